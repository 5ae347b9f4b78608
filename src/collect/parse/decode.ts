/**
 * @module collect/parse/decode
 * Bytes → text for local files: BOM stripped, UTF-8 required (legacy encodings arrive with the fetcher).
 */
import { ZhikuError } from '../../errors.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array, item: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new ZhikuError('E_PARSE', 'not valid UTF-8 text (convert it to UTF-8 first)', { item });
  }
}
