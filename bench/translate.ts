/**
 * `npm run bench -- --suite translate`
 * Translation faithfulness on real English markdown (the README files of the installed packages:
 * code, tables, badges, reference links, HTML). Two stand-in models: a faithful one and a sloppy one
 * that, per block, drops placeholders (15 %), breaks table rows (15 %) or leaves English (10 %).
 * Zhiku's block pipeline runs beside a peer that sends each document whole with no placeholders,
 * which the sloppy model hurts the same way (a link's URL dropped, as in "可在此处查阅" without a link).
 * Reported: documents whose links, images, headings, code blocks and tables all survive; English
 * blocks left over and how many were flagged; prompt tokens per source token; calls per document.
 * Writes bench/results/translate-<date>.json.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { compareShapes, looksUntranslated, markdownShape } from '../src/translate/check.js';
import { translateBody } from '../src/translate/translate.js';
import type { ChatMessage } from '../src/model/chat.js';
import { fakeTranslator } from '../test/fake-translator.js';
import { seededRandom } from '../test/seeded-random.js';

const DOCUMENTS = 300;

function readmes(): string[] {
  const root = 'node_modules';
  const files: string[] = [];
  for (const name of readdirSync(root).sort()) {
    const folders = name.startsWith('@') ? readdirSync(join(root, name)).sort().map((n) => join(name, n)) : [name];
    for (const folder of folders) {
      const file = join(root, folder, 'README.md');
      if (existsSync(file)) files.push(file);
    }
  }
  return files.map((file) => readFileSync(file, 'utf8')).filter((text) => text.length >= 2000 && text.length <= 60_000).slice(0, DOCUMENTS);
}

type Model = (messages: ChatMessage[]) => string;

function models(seed: number): Record<'faithful' | 'sloppy', Model> {
  const translate = fakeTranslator();
  const faithful: Model = (messages) => translate({ path: '/chat/completions', body: { messages }, headers: {} }).content;
  const random = seededRandom(seed);
  const sloppy: Model = (messages) => {
    const parts = faithful(messages).split(/(?=^[⟦⟪〖]#\d+[⟧⟫〗]$)/m);
    const user = String(messages.at(-1)!.content);
    return parts
      .map((part, i) => {
        const roll = random();
        if (roll < 0.15) return part.replace(/[⟦⟪〖]\d+[⟧⟫〗]/, '').replace(/\]\([^)]*\)/, ']');
        if (roll < 0.3 && part.includes('|')) return part.replace(/\|[^|\n]*\|/, '|');
        if (roll < 0.4) return user.split(/(?=^[⟦⟪〖]#\d+[⟧⟫〗]$)/m)[i] ?? part;
        return part;
      })
      .join('');
  };
  return { faithful, sloppy };
}

interface Row {
  pipeline: string;
  model: string;
  documents: number;
  shape_kept: number;
  english_blocks_left: number;
  english_blocks_flagged: number;
  prompt_tokens_per_source_token: number;
  calls_per_document: number;
  seconds: number;
}

export async function runTranslateBench(machine: unknown): Promise<void> {
  const documents = readmes();
  const sourceTokens = documents.reduce((sum, doc) => sum + countTokens(doc), 0);
  const rows: Row[] = [];
  for (const modelName of ['faithful', 'sloppy'] as const) {
    for (const pipeline of ['zhiku', 'whole-document'] as const) {
      const model = models(7)[modelName];
      let promptTokens = 0;
      let calls = 0;
      let kept = 0;
      let left = 0;
      let flagged = 0;
      const started = performance.now();
      for (const doc of documents) {
        const chat = async (messages: ChatMessage[]) => {
          calls++;
          promptTokens += messages.reduce((sum, m) => sum + countTokens(String(m.content)), 0);
          return model(messages);
        };
        let output: string;
        if (pipeline === 'zhiku') {
          const result = await translateBody(doc, { chat, concurrency: 8 });
          output = result.markdown;
          flagged += result.flags.filter((f) => f.kind === 'untranslated' || f.kind === 'kept-original').length;
        } else {
          const reply = await chat([{ role: 'system', content: '把 Markdown 译成简体中文，保留格式。' }, { role: 'user', content: `⟦#1⟧\n${doc}` }]);
          output = reply.replace(/^[⟦⟪〖]#1[⟧⟫〗]\n/, '');
        }
        if (!compareShapes(markdownShape(doc), markdownShape(output)).length) kept++;
        left += output
          .replace(/```[\s\S]*?```/g, '')
          .split(/\n\s*\n/)
          .filter((paragraph) => looksUntranslated(paragraph)).length;
      }
      rows.push({
        pipeline,
        model: modelName,
        documents: documents.length,
        shape_kept: kept / documents.length,
        english_blocks_left: left,
        english_blocks_flagged: flagged,
        prompt_tokens_per_source_token: Number((promptTokens / sourceTokens).toFixed(2)),
        calls_per_document: Number((calls / documents.length).toFixed(1)),
        seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      });
    }
  }
  console.log(`\nTranslation faithfulness (${documents.length} README files, ${sourceTokens.toLocaleString('en-US')} source tokens; stand-in models)\n`);
  console.log('| pipeline | model | links, images, headings, code, tables all kept | English paragraphs in the output | blocks flagged | prompt tokens / source token | calls / doc | s |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.pipeline} | ${r.model} | ${(r.shape_kept * 100).toFixed(1)}% | ${r.english_blocks_left} | ${r.pipeline === 'zhiku' ? r.english_blocks_flagged : '—'} | ${r.prompt_tokens_per_source_token} | ${r.calls_per_document} | ${r.seconds} |`);
  }
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(join('bench', 'results'), { recursive: true });
  const file = join('bench', 'results', `translate-${date}.json`);
  writeFileSync(file, `${JSON.stringify({ date, machine, documents: documents.length, source_tokens: sourceTokens, results: rows }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
