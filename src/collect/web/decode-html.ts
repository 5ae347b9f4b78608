/**
 * @module collect/web/decode-html
 * Web page bytes → text. A BOM decides first; then the HTTP charset and the page's meta charset —
 * except that bytes which are valid UTF-8 are read as UTF-8 even when a legacy charset is declared
 * (pages that declare gb2312 and are UTF-8 are common); with nothing declared, the detector decides.
 * GB2312 and GBK are read as GB18030, their superset.
 */
import iconv from 'iconv-lite';
import { legacyEncoding } from '../parse/decode.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface DecodedPage {
  html: string;
  encoding: string;
  /** The charset the server or the page declared, if any. */
  declared: string | null;
}

/** The charset a page declares in its first bytes: `<meta charset>` or `http-equiv` Content-Type. */
export function metaCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const match = /<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)/i.exec(head);
  return match ? match[1]!.toLowerCase() : null;
}

/** The iconv-lite name for a declared charset, or null when iconv-lite does not know it. */
function encodingFor(charset: string): string | null {
  const name = charset.trim().toLowerCase();
  if (/^(gb2312|gbk|gb18030|x-gbk|cp936)$/.test(name)) return 'gb18030';
  if (/^(big5|big5-hkscs|x-x-big5)$/.test(name)) return 'big5';
  return iconv.encodingExists(name) ? name : null;
}

export function decodeHtml(bytes: Uint8Array, headerCharset?: string | null, item = 'page'): DecodedPage {
  const declared = headerCharset?.toLowerCase() || metaCharset(bytes);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { html: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8', declared };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { html: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le', declared };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { html: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be', declared };
  let utf8: string | null = null;
  try {
    utf8 = UTF8.decode(bytes);
  } catch {
    // Not UTF-8: the declared or detected legacy encoding reads it.
  }
  if (utf8 !== null) return { html: utf8, encoding: 'utf-8', declared };
  const named = declared ? encodingFor(declared) : null;
  const encoding = named && named !== 'utf-8' && named !== 'utf8' ? named : encodingFor(legacyEncoding(bytes.subarray(0, 65536), item)) ?? 'gb18030';
  return { html: iconv.decode(Buffer.from(bytes), encoding), encoding, declared };
}
