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
    // A file cut mid-character (a truncated download or log) is still UTF-8: the partial character goes.
    const text = UTF8.decode(bytes.subarray(0, bytes.length - cutCharacterBytes(bytes)));
    if (text.includes('\u0000')) throw new ZhikuError('E_PARSE', 'binary data, not text', { item });
    return { text, encoding: 'UTF-8' };
  } catch (error) {
    if (error instanceof ZhikuError) throw error;
    // Not UTF-8: ask the detector.
  }
  // UTF-8 with a few damaged bytes: a legacy decoder would turn every character into mojibake.
  if (mostlyUtf8(bytes)) throw new ZhikuError('E_PARSE', `invalid UTF-8 at byte ${firstInvalidUtf8(bytes)}`, { item });
  const encoding = legacyEncoding(bytes, item, true);
  const text = iconv.decode(Buffer.from(bytes), encoding).replace(/^\uFEFF/, '');
  if (text.includes('\u0000')) throw new ZhikuError('E_PARSE', 'binary data, not text', { item });
  return { text, encoding };
}

/**
 * The iconv-lite name of a non-UTF-8 text's encoding, from a sample of its bytes. GB2312 and GBK are
 * read as GB18030, their superset, so rare characters survive.
 */
export function legacyEncoding(sample: Uint8Array, item: string, whole = false): string {
  const guess = chardet.detect(sample);
  const encoding = guess && /^(GB2312|GBK|GB18030)$/i.test(guess) ? 'GB18030' : guess;
  if (whole && encoding && /^UTF-8$/i.test(encoding)) {
    throw new ZhikuError('E_PARSE', `invalid UTF-8 at byte ${firstInvalidUtf8(sample)}`, { item });
  }
  if (!encoding || !iconv.encodingExists(encoding) || /^UTF-8$/i.test(encoding)) {
    throw new ZhikuError('E_PARSE', `not text in a known encoding${guess ? ` (looks like ${guess})` : ''}`, { item });
  }
  return encoding;
}

// ---------------------------------------------------------------------------

/** Many multi-byte UTF-8 characters and under one bad sequence per hundred of them (legacy text fails nearly every one). */
function mostlyUtf8(bytes: Uint8Array): boolean {
  const text = new TextDecoder('utf-8').decode(bytes);
  let multiByte = 0;
  let replaced = 0;
  for (const character of text) {
    if (character === '\uFFFD') replaced++;
    else if (character.codePointAt(0)! >= 0x80) multiByte++;
  }
  return multiByte >= 16 && replaced * 100 < multiByte;
}

/** Bytes of an incomplete UTF-8 sequence at the very end (0 when the last character is whole). */
function cutCharacterBytes(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if (byte < 0x80) return 0;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length > back ? back : 0;
    }
  }
  return 0;
}

/** Offset of the first byte where UTF-8 decoding fails. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let low = 0;
  let high = bytes.length;
  // Largest prefix that decodes (ignoring a character cut at the prefix's end), by bisection.
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    const prefix = bytes.subarray(0, middle);
    try {
      UTF8.decode(prefix.subarray(0, prefix.length - cutCharacterBytes(prefix)));
      low = middle;
    } catch {
      high = middle - 1;
    }
  }
  return low - cutCharacterBytes(bytes.subarray(0, low));
}
