/**
 * @module digest/types
 * The daily digest as data: items (one per story) with their category, sources, insight and bullets,
 * then the other stories as links. Rendered as markdown, JSON or RSS; checked by the validator.
 */

/** Every item is in exactly one of these; 非AI goes last (or is dropped by a setting). */
export const CATEGORIES = ['观点洞察', '深度行业分析', '产品与商业模式', '市场动态', '非AI'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface DigestSource {
  /** The account or site. */
  name: string;
  url: string | null;
}

export interface DigestBullet {
  /** A short key phrase: 战略转向, 基础设施扩张. */
  label: string;
  detail: string;
}

export interface DigestItem {
  headline: string;
  category: Category;
  /** The main source of the story. */
  source: DigestSource;
  /** Other places the same story appeared (另见). */
  alsoAt: DigestSource[];
  /** 核心洞察: one paragraph. */
  insight: string;
  /** 内容简介: 4–7 bullets. */
  bullets: DigestBullet[];
  publishedAt: string | null;
  /** The library document the item was written from. */
  documentId?: string;
}

export interface DigestLink {
  title: string;
  url: string | null;
  source: string | null;
}

export interface Digest {
  /** The day, YYYY-MM-DD (Asia/Shanghai). */
  date: string;
  items: DigestItem[];
  /** 其他相关资讯. */
  others: DigestLink[];
}
