/**
 * @module collect/parse/decode
 * Bytes → text: a BOM or valid UTF-8 decides first; otherwise chardet names the encoding (GB18030/GBK,
 * Big5, Shift_JIS, …) and iconv-lite decodes it. Text that fits no encoding is an E_PARSE.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { ZhikuError } from '../../errors.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export interface DecodedText {
  text: string;
  encoding: string;
}

export function decodeText(bytes: Uint8Array, item: string): DecodedText {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'UTF-16LE' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'UTF-16BE' };
  try {
    const text = UTF8.decode(bytes);
    if (text.includes('\u0000')) throw new ZhikuError('E_PARSE', 'binary data, not text', { item });
    return { text, encoding: 'UTF-8' };
  } catch (error) {
    if (error instanceof ZhikuError) throw error;
    // Not UTF-8: ask the detector.
  }
  const encoding = legacyEncoding(bytes, item);
  const text = iconv.decode(Buffer.from(bytes), encoding).replace(/^\uFEFF/, '');
  if (text.includes('\u0000')) throw new ZhikuError('E_PARSE', 'binary data, not text', { item });
  return { text, encoding };
}

/**
 * The iconv-lite name of a non-UTF-8 text's encoding, from a sample of its bytes. GB2312 and GBK are
 * read as GB18030, their superset, so rare characters survive.
 */
export function legacyEncoding(sample: Uint8Array, item: string): string {
  const guess = chardet.detect(sample);
  const encoding = guess && /^(GB2312|GBK|GB18030)$/i.test(guess) ? 'GB18030' : guess;
  if (!encoding || !iconv.encodingExists(encoding) || /^UTF-8$/i.test(encoding)) {
    throw new ZhikuError('E_PARSE', `not text in a known encoding${guess ? ` (looks like ${guess})` : ''}`, { item });
  }
  return encoding;
}
