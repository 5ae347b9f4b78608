/**
 * @module library/document-id
 * Stable document ids and content hashes shared by every driver.
 */
import { createHash } from 'node:crypto';

/** sha256 over the NFC-normalised body, so the same text in another Unicode composition is one document. */
export function contentHash(body: string): string {
  return createHash('sha256').update(body.normalize('NFC')).digest('hex');
}

/**
 * A document's id derives from its identity at first insert: the canonical URL, else the content hash.
 * Updates keep the id they were stored under.
 */
export function documentIdFor(canonicalUrl: string | null, hash: string): string {
  const key = canonicalUrl ? `url:${canonicalUrl}` : `hash:${hash}`;
  return `d${createHash('sha256').update(key).digest('hex').slice(0, 15)}`;
}
