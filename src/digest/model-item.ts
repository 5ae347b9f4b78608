/**
 * @module digest/model-item
 * A digest item written by a model from its article only, through a JSON-schema call: a rewritten
 * headline, the category, a one-paragraph insight and 4–7 labelled bullets. What comes back is
 * checked: the category must be one of the five, and every number in the headline, insight and
 * bullets must occur in the article — a headline or insight that fails falls back to the offline
 * one, a failing bullet is dropped (and the offline bullets fill up to four).
 */
import type { ChatMessage } from '../model/chat.js';
import { MAX_BULLETS, MIN_BULLETS } from './format/check.js';
import { unsupportedNumbers } from './key-sentences.js';
import { CATEGORIES, type Category, type DigestItem } from './types.js';

/** Characters of the article sent: enough for a news piece, a bounded prompt for a long report. */
const ARTICLE_CHARACTERS = 6000;

export const DIGEST_ITEM_SCHEMA = {
  name: 'digest_item',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['headline', 'category', 'insight', 'bullets'],
    properties: {
      headline: { type: 'string' },
      category: { type: 'string', enum: [...CATEGORIES] },
      insight: { type: 'string' },
      bullets: {
        type: 'array',
        minItems: MIN_BULLETS,
        maxItems: MAX_BULLETS,
        items: { type: 'object', additionalProperties: false, required: ['label', 'detail'], properties: { label: { type: 'string' }, detail: { type: 'string' } } },
      },
    },
  },
};

export function digestItemMessages(title: string, article: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        '你为AI行业日报撰写一条资讯。只依据给出的文章，不添加文章没有的事实和数字。返回JSON：headline（重写的标题，不超过40字）、category（观点洞察/深度行业分析/产品与商业模式/市场动态/非AI 之一）、insight（核心洞察，一段话，不超过200字）、bullets（4到7条，每条含 label（不超过8字的关键词）和 detail（一句话））。',
    },
    { role: 'user', content: `标题：${title}\n\n正文：\n${article.slice(0, ARTICLE_CHARACTERS)}` },
  ];
}

export interface ModelItemCheck {
  item: DigestItem;
  /** Lines dropped or replaced because a number was not in the article. */
  corrected: number;
}

/** The model's item, checked against the article; `offline` supplies what fails. */
export function checkModelItem(reply: string, article: string, offline: DigestItem): ModelItemCheck {
  let parsed: { headline?: unknown; category?: unknown; insight?: unknown; bullets?: unknown };
  try {
    parsed = JSON.parse(reply) as typeof parsed;
  } catch {
    return { item: offline, corrected: 1 };
  }
  let corrected = 0;
  const supported = (text: unknown): text is string => typeof text === 'string' && text.trim().length > 0 && unsupportedNumbers(text, article).length === 0;
  const headline = supported(parsed.headline) ? parsed.headline.trim() : (corrected++, offline.headline);
  const insight = supported(parsed.insight) ? parsed.insight.replace(/\s*\n+\s*/g, '') : (corrected++, offline.insight);
  const category = CATEGORIES.includes(parsed.category as Category) ? (parsed.category as Category) : (corrected++, offline.category);
  const bullets: DigestItem['bullets'] = [];
  for (const bullet of Array.isArray(parsed.bullets) ? (parsed.bullets as { label?: unknown; detail?: unknown }[]) : []) {
    if (typeof bullet.label === 'string' && bullet.label.trim() && !/[：:]/.test(bullet.label) && supported(bullet.detail) && supported(`${bullet.label}`)) bullets.push({ label: bullet.label.trim().slice(0, 12), detail: bullet.detail.trim() });
    else corrected++;
  }
  for (const fallback of offline.bullets) {
    if (bullets.length >= MIN_BULLETS) break;
    bullets.push(fallback);
  }
  return { item: { ...offline, headline, insight, category, bullets: bullets.slice(0, MAX_BULLETS) }, corrected };
}
