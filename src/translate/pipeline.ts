/**
 * @module translate/pipeline
 * One translation from start to finish, as the CLI and the job queue run it: resolve the input,
 * translate the body, describe it in one structured call, assemble the file, optionally save its
 * images, and store it in the library linked to its original. Writing the file is the caller's.
 */
import type { FetchOptions } from '../collect/web/fetch.js';
import { ZhikuError, isZhikuError } from '../errors.js';
import type { Library } from '../library/library.js';
import { type ArticleMeta, type AssembledTranslation, assembleTranslation, describeTranslation } from './article.js';
import type { Glossary } from './glossary.js';
import { type SavedImages, saveImages } from './images.js';
import { storeTranslation, type StoredTranslation } from './save.js';
import { resolveSource } from './source.js';
import { type BodyTranslation, type ChatFunction, type TargetLanguage, translateBody } from './translate.js';

export interface TranslateRequest {
  /** A URL, a file path or a library document id. */
  input: string;
  chat: ChatFunction;
  to?: TargetLanguage;
  glossary?: Glossary;
  concurrency?: number;
  fetch?: FetchOptions;
  maxFileBytes: number;
  /** Download images into this folder's `images/` and link them there. */
  saveImagesTo?: string;
  /** Store the original and the translation in the library (default true). */
  store?: boolean;
  onProgress?: (done: number, total: number) => void;
  now?: () => Date;
}

export interface TranslateOutcome {
  file: AssembledTranslation;
  body: BodyTranslation;
  meta: ArticleMeta;
  stored: StoredTranslation | null;
  images: SavedImages | null;
  /** Problems that did not stop the translation (summary call failed, an image not saved). */
  warnings: string[];
}

/** What a caller reports of a translation: the file, where it was stored, and the checks. */
export function translationSummary(outcome: TranslateOutcome) {
  return {
    title: outcome.file.title,
    blocks: outcome.body.blocks,
    markdown: outcome.file.markdown,
    documentId: outcome.stored?.translationId ?? null,
    originalId: outcome.stored?.originalId ?? null,
    flags: outcome.body.flags,
    warnings: outcome.warnings,
  };
}

/** `library` may be null for a URL or file translated without storing. */
export async function translateDocument(library: Library | null, request: TranslateRequest): Promise<TranslateOutcome> {
  const now = request.now ?? (() => new Date());
  const to = request.to ?? 'zh';
  const warnings: string[] = [];
  const resolved = await resolveSource(request.input, library, { fetch: request.fetch, maxFileBytes: request.maxFileBytes, now: now() });
  // Sending a Chinese article through the model costs money and returns what it was given.
  if (chineseShare(resolved.article.markdown) >= 0.5) {
    throw new ZhikuError('E_INVALID_INPUT', 'the article is already in Chinese; nothing to translate', { item: request.input });
  }
  const body = await translateBody(resolved.article.markdown, {
    chat: request.chat,
    to,
    glossary: request.glossary,
    concurrency: request.concurrency,
    onProgress: request.onProgress,
  });
  let meta: ArticleMeta = { title: '', summary: '', categories: [], tags: [] };
  try {
    meta = await describeTranslation(request.chat, resolved.article.title, body.markdown, to);
  } catch (error) {
    // The body is paid for; a failed summary call must not throw it away.
    if (!isZhikuError(error) || error.code === 'E_BUDGET') throw error;
    warnings.push(`summary, categories and tags left empty: ${error.message}`);
  }
  if (!meta.summary) warnings.push('the model gave no summary');
  let file = assembleTranslation(resolved.article, body.markdown, meta, now());
  let images: SavedImages | null = null;
  if (request.saveImagesTo) {
    images = await saveImages(file.body, resolved.article.url, request.saveImagesTo, 'images', request.fetch);
    for (const failure of images.failed) warnings.push(`image not saved, link kept: ${failure.url}: ${failure.reason}`);
    const head = file.markdown.slice(0, file.markdown.length - file.body.length);
    file = { ...file, body: images.markdown, markdown: head + images.markdown };
  }
  const stored = request.store === false || !library ? null : await storeTranslation(library, resolved, file, to);
  if (stored?.warning) warnings.push(stored.warning);
  return { file, body, meta, stored, images, warnings };
}

/** Han characters as a share of Han characters plus English words, outside code and URLs. */
export function chineseShare(markdown: string): number {
  const prose = markdown.replace(/```[\s\S]*?```|`[^`]*`|https?:\/\/\S+|<[^>]*>/g, ' ');
  const han = prose.match(/\p{Script=Han}/gu)?.length ?? 0;
  const words = prose.match(/[A-Za-z]{2,}/g)?.length ?? 0;
  return han + words ? han / (han + words) : 0;
}
