/**
 * A deterministic stand-in for a translation model, for the fake OpenAI server: it follows the
 * rules a translation prompt states (keeps the listed names, uses the glossary's renderings, copies
 * placeholders and separator lines, keeps markdown syntax) and turns every other English word into
 * Chinese characters. Words in `misbehave` make it misbehave the way real models do.
 */
import type { FakeAnswer, FakeRequest } from './fake-openai.js';

export interface FakeTranslatorOptions {
  /** A paragraph with this word comes back unchanged (a model that skipped it). */
  leaveEnglish?: string;
  /** A paragraph with this word loses its placeholders the first time it is sent. */
  dropPlaceholdersOnce?: string;
  /** The JSON the metadata call returns. */
  meta?: Record<string, unknown>;
}

function systemAndUser(request: FakeRequest): { system: string; user: string } {
  const messages = (request.body.messages ?? []) as { role: string; content: string }[];
  return { system: messages.find((m) => m.role === 'system')?.content ?? '', user: messages.find((m) => m.role === 'user')?.content ?? '' };
}

export function fakeTranslator(options: FakeTranslatorOptions = {}): (request: FakeRequest) => FakeAnswer {
  const dropped = new Set<string>();
  return (request) => {
    const { system, user } = systemAndUser(request);
    if (request.body.response_format) {
      return { content: JSON.stringify(options.meta ?? { title: '大规模服务开放模型', summary: '本文总结了一年来在生产环境中服务开放权重模型的经验，涵盖批处理、缓存与硬件选择。', categories: ['技术趋势'], tags: ['推理', 'vLLM', '开源模型'] }) };
    }
    const kept = /以下名称保留原文，不要翻译：(.+?)。/.exec(system)?.[1]?.split('、') ?? [];
    const glossary = [...(/术语表（必须使用）：(.+?)。\n/.exec(`${system}\n`)?.[1] ?? '').matchAll(/([^；]+?) → ([^；]+)/g)].map((m) => [m[1]!, m[2]!] as const);
    const body = user.replace(/\n\n（上一次的译文有问题[\s\S]*$/, '');
    return { content: translateText(body, kept, glossary, options, dropped) };
  };
}

function translateText(text: string, kept: readonly string[], glossary: readonly (readonly [string, string])[], options: FakeTranslatorOptions, dropped: Set<string>): string {
  let inFence = false;
  return text
    .split('\n')
    .map((paragraph) => {
      // Like a careful model: code, URLs, HTML tags and link destinations it sees stay as they are.
      if (/^\s*(```|~~~)/.test(paragraph)) inFence = !inFence;
      if (inFence || /^\s*(```|~~~)/.test(paragraph)) return paragraph;
      if (options.leaveEnglish && paragraph.includes(options.leaveEnglish)) return paragraph;
      let out = paragraph;
      if (options.dropPlaceholdersOnce && paragraph.includes(options.dropPlaceholdersOnce) && !dropped.has(paragraph)) {
        dropped.add(paragraph);
        out = out.replace(/[⟦⟪〖]\d+[⟧⟫〗]/g, '');
      }
      const saved: string[] = [];
      const protect = (value: string) => `\u0001${saved.push(value) - 1}\u0002`;
      out = out.replace(/`[^`]*`|https?:\/\/[^\s)]+|<[^>]+>|\]\([^)]*\)/g, protect);
      for (const [term, rendering] of glossary) out = out.replace(new RegExp(`\\b${term}\\b`, 'gi'), () => protect(rendering));
      for (const name of [...kept].sort((a, b) => b.length - a.length)) out = out.split(name).join(protect(name));
      out = out.replace(/[A-Za-z][A-Za-z'-]*/g, (word) => (word.length === 1 ? '一' : '译文'.repeat(Math.ceil(word.length / 4))));
      return out.replace(/\u0001(\d+)\u0002/g, (_, i: string) => saved[Number(i)]!);
    })
    .join('\n');
}
