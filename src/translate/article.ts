/**
 * @module translate/article
 * A translated article as a file: YAML frontmatter with the keys, in the order, of the published
 * translations (title … translated_at), the title once as the H1 — the same text as `title` — the
 * body, and a footer naming the original with its link and the translation time.
 */
import type { Heading } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { Document, Scalar, isScalar, visit as visitYaml } from 'yaml';
import { beijingTime } from '../collect/web/wechat.js';
import type { ChatMessage } from '../model/chat.js';
import { parseMarkdownTree } from './markdown.js';
import { type ChatFunction, TARGET_LANGUAGES, type TargetLanguage } from './translate.js';

/** What is translated: an article's body and the metadata the frontmatter and footer name. */
export interface SourceArticle {
  title: string;
  /** Markdown; may open with the title as an H1. */
  markdown: string;
  url: string | null;
  /** The publication or site. */
  source: string | null;
  author: string | null;
  /** ISO 8601 publish time or date. */
  date: string | null;
  /** What the user named: a URL, a path or a document id. */
  item: string;
}

export interface ArticleMeta {
  /** The title in the target language (used only when the body has no H1 to take it from). */
  title: string;
  summary: string;
  categories: string[];
  tags: string[];
}

export const TRANSLATION_CATEGORIES = ['技术趋势', '模型发布', '研究论文', '产品与商业模式', '市场动态', '开源生态', '政策与监管', '教程与实践', '观点洞察'] as const;

export const META_SCHEMA = {
  name: 'translation_meta',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['title', 'summary', 'categories', 'tags'],
    properties: {
      title: { type: 'string' },
      summary: { type: 'string' },
      categories: { type: 'array', items: { type: 'string', enum: [...TRANSLATION_CATEGORIES] } },
      tags: { type: 'array', items: { type: 'string' } },
    },
  },
};

/** Text of the translated body the summary call sees: enough for a summary, bounded in cost. */
const META_CONTEXT_CHARS = 4000;

/** Summary, categories and tags (and the title, for a body without an H1) from one structured call. */
export async function describeTranslation(chat: ChatFunction, originalTitle: string, translatedBody: string, to: TargetLanguage): Promise<ArticleMeta> {
  const language = TARGET_LANGUAGES[to];
  const messages: ChatMessage[] = [
    {
      role: 'system',
      content:
        `你为一篇已译成${language}的文章编写元数据，只回答一个 JSON 对象：` +
        `title（原标题的${language}译名，公司和产品名保留原文），summary（120–200 字的${language}摘要，只写文中有的内容），` +
        `categories（从 ${TRANSLATION_CATEGORIES.join('、')} 中选 1–2 个），tags（3–6 个${language}或原文专名标签）。`,
    },
    { role: 'user', content: `原标题：${originalTitle}\n\n译文：\n${translatedBody.slice(0, META_CONTEXT_CHARS)}` },
  ];
  const reply = await chat(messages, META_SCHEMA);
  return parseMeta(reply);
}

/** The first JSON object of a reply, checked field by field; what is missing or malformed comes back empty. */
export function parseMeta(reply: string): ArticleMeta {
  const start = reply.indexOf('{');
  const end = reply.lastIndexOf('}');
  let data: Record<string, unknown> = {};
  try {
    if (start >= 0 && end > start) data = JSON.parse(reply.slice(start, end + 1)) as Record<string, unknown>;
  } catch {
    data = {};
  }
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const list = (value: unknown, max: number) => (Array.isArray(value) ? [...new Set(value.map(text).filter(Boolean))].slice(0, max) : []);
  const categories = list(data.categories, 2).filter((c) => (TRANSLATION_CATEGORIES as readonly string[]).includes(c));
  return { title: text(data.title), summary: text(data.summary), categories, tags: list(data.tags, 8) };
}

/** The first H1's text, or null. */
export function firstH1(markdown: string): string | null {
  const heading = parseMarkdownTree(markdown).children.find((node): node is Heading => node.type === 'heading' && node.depth === 1);
  return heading ? toString(heading).trim() || null : null;
}

export interface AssembledTranslation {
  markdown: string;
  title: string;
  body: string;
  frontmatter: Record<string, unknown>;
}

/**
 * The file: frontmatter, the body with the title as its H1, the footer. The title is the body's own
 * H1 when it has one, so the two can never differ; otherwise the translated title becomes the H1.
 */
export function assembleTranslation(source: SourceArticle, body: string, meta: ArticleMeta, translatedAt: Date): AssembledTranslation {
  const h1 = firstH1(body);
  const title = h1 ?? (meta.title || source.title);
  const fullBody = h1 ? body.trim() : `# ${title}\n\n${body.trim()}`;
  const local = beijingTime(Math.floor(translatedAt.getTime() / 1000));
  const frontmatter: Record<string, unknown> = {
    title,
    title_original: source.title,
    date: source.date ? source.date.slice(0, 10) : '',
    source: source.source ?? (source.url ? new URL(source.url).hostname : ''),
    source_url: source.url ?? '',
    author: source.author ?? '',
    summary: meta.summary,
    categories: meta.categories,
    tags: meta.tags,
    draft: false,
    translated_at: `${local.slice(0, 19)}.${String(translatedAt.getMilliseconds()).padStart(3, '0')}+08:00`,
  };
  const original = source.url ? `原文链接：[${escapeLinkText(source.title)}](${source.url})` : `原文：${source.title}（${source.item}）`;
  const footer = `---\n\n> 本文由AI自动翻译，${original}\n> \n> 翻译时间：${local.slice(0, 10)} ${local.slice(11, 16)}（北京时间）\n`;
  const markdown = `---\n${yamlFrontmatter(frontmatter)}---\n\n${fullBody}\n\n${footer}`;
  return { markdown, title, body: `${fullBody}\n\n${footer}`, frontmatter };
}

function escapeLinkText(text: string): string {
  return text.replace(/([\\[\]])/g, '\\$1');
}

/**
 * YAML that YAML 1.1 readers (static-site generators, PyYAML) read back as the same strings: dates
 * and yes/no-like words are quoted, or they would come back as timestamps and booleans.
 */
export function yamlFrontmatter(data: Record<string, unknown>): string {
  const document = new Document(data);
  visitYaml(document, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && (/^\d{4}-\d{2}-\d{2}/.test(node.value) || /^(?:y|n|yes|no|on|off|true|false|null|~)$/i.test(node.value))) {
        node.type = Scalar.QUOTE_SINGLE;
      }
    },
  });
  return document.toString({ lineWidth: 0 });
}
