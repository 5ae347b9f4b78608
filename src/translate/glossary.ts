/**
 * @module translate/glossary
 * The user's glossary (term → required rendering) and the names a translation keeps as written.
 * A glossary is a JSON or YAML mapping, or CSV/TSV/text lines `term,译名` / `term<TAB>译名` / `term = 译名`.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { ZhikuError } from '../errors.js';

export interface GlossaryEntry {
  term: string;
  rendering: string;
}

export type Glossary = readonly GlossaryEntry[];

/** Company, lab and product names readers search for in their original spelling. */
export const KEPT_NAMES: readonly string[] = [
  'OpenAI', 'ChatGPT', 'GPT', 'Sora', 'Codex', 'Anthropic', 'Claude', 'Google', 'DeepMind', 'Gemini', 'Gemma', 'Meta', 'Llama',
  'Microsoft', 'Copilot', 'Phi', 'NVIDIA', 'Nvidia', 'CUDA', 'AMD', 'Intel', 'Apple', 'Amazon', 'AWS', 'Bedrock', 'Azure',
  'Hugging Face', 'GitHub', 'Mistral', 'Cohere', 'Perplexity', 'xAI', 'Grok', 'Midjourney', 'Stability AI', 'Runway',
  'DeepSeek', 'Qwen', 'ModelScope', 'Kimi', 'Moonshot', 'GLM', 'Zhipu', 'MiniMax', 'Baichuan', 'Yi', 'StepFun', 'Doubao',
  'ERNIE', 'PaddlePaddle', 'Hunyuan', 'SenseTime', 'iFlytek', 'Huawei', 'Ascend', 'MindSpore', 'Alibaba', 'Tencent', 'ByteDance',
  'Baidu', 'Xiaomi', 'Unitree', 'PyTorch', 'TensorFlow', 'JAX', 'vLLM', 'SGLang', 'Ollama', 'LangChain', 'LlamaIndex',
  'Transformers', 'MCP', 'RAG', 'API', 'SDK', 'LLM', 'GPU', 'TPU', 'NPU', 'MoE',
];

/** Product and model names: a word with digits or inner capitals (GPT-4o, Qwen3-235B, UI-TARS-1.5, ModelScope). */
const MODEL_NAME = /\b(?:[A-Za-z]+[-.]?\d[\w.-]*|[A-Z][a-z]+[A-Z][\w-]*|[A-Z]{2,}(?:-[A-Z0-9]+)+)\b/g;

export async function loadGlossary(path: string): Promise<Glossary> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ZhikuError('E_NOT_FOUND', `cannot read the glossary: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { item: path });
  }
  const entries = parseGlossary(text, extname(path).toLowerCase(), path);
  if (!entries.length) throw new ZhikuError('E_EMPTY', 'the glossary has no entries', { item: path });
  return entries;
}

export function parseGlossary(text: string, extension: string, item = 'glossary'): GlossaryEntry[] {
  let pairs: [unknown, unknown][];
  try {
    if (extension === '.json' || extension === '.yaml' || extension === '.yml') {
      const data: unknown = extension === '.json' ? JSON.parse(text) : parseYaml(text);
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('expected a mapping of term → translation');
      pairs = Object.entries(data);
    } else if (extension === '.csv' || extension === '.tsv') {
      const rows = parseCsv(text, { delimiter: extension === '.tsv' ? '\t' : ',', relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
      pairs = rows.map((row) => [row[0], row[1]]);
    } else {
      pairs = text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => {
          const match = /^(.+?)\s*(?:\t|=|→|->|,|，)\s*(.+)$/.exec(line);
          if (!match) throw new Error(`line "${line}" has no separator (tab, =, → or comma)`);
          return [match[1], match[2]];
        });
    }
  } catch (error) {
    throw new ZhikuError('E_PARSE', `invalid glossary: ${(error as Error).message.split('\n')[0]}`, { item });
  }
  const entries: GlossaryEntry[] = [];
  for (const [term, rendering] of pairs) {
    if (typeof term !== 'string' || typeof rendering !== 'string' || !term.trim() || !rendering.trim()) {
      throw new ZhikuError('E_PARSE', `invalid glossary entry ${JSON.stringify(term)}: term and translation must be non-empty text`, { item });
    }
    entries.push({ term: term.trim(), rendering: rendering.trim() });
  }
  // Longer terms first, so "Hugging Face Hub" wins over "Hugging Face".
  return entries.sort((a, b) => b.term.length - a.term.length);
}

/** A term as a whole word; glossary terms match in any case, names only as written. */
function termPattern(term: string, flags = 'gi'): RegExp {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const edge = (c: string) => (/\w/.test(c) ? '\\b' : '');
  return new RegExp(`${edge(term[0]!)}${escaped}${edge(term.at(-1)!)}`, flags);
}

export function glossaryTermsIn(text: string, glossary: Glossary): GlossaryEntry[] {
  return glossary.filter((entry) => termPattern(entry.term).test(text));
}

/**
 * Makes the translation use the glossary's renderings: a term the model left in English is replaced;
 * a term rendered some other way is reported, since its words cannot be located reliably.
 */
export function applyGlossary(translation: string, entries: readonly GlossaryEntry[]): { text: string; missed: GlossaryEntry[] } {
  let text = translation;
  const missed: GlossaryEntry[] = [];
  for (const entry of entries) {
    if (text.includes(entry.rendering)) continue;
    const pattern = termPattern(entry.term);
    if (pattern.test(text)) text = text.replace(termPattern(entry.term), entry.rendering);
    else missed.push(entry);
  }
  return { text, missed };
}

/** Names in the source the translation must keep as written (glossary terms excluded: they have their own rendering). */
export function keptNamesIn(text: string, glossary: Glossary): string[] {
  const names = new Set<string>();
  for (const name of KEPT_NAMES) if (termPattern(name, 'g').test(text)) names.add(name);
  for (const match of text.matchAll(MODEL_NAME)) names.add(match[0]);
  for (const entry of glossary) names.delete(entry.term);
  return [...names];
}
