/**
 * @module collect/parse/zip
 * OOXML containers (DOCX, PPTX, XLSX) are zip files: entries are read with fflate, after checking the
 * declared sizes and then the sizes the entries really inflate to, so a zip bomb is refused before a
 * parser (mammoth, exceljs) inflates anything — including one whose headers understate its sizes.
 */
import { Unzip, UnzipInflate, type Unzipped, unzipSync } from 'fflate';
import { ZhikuError } from '../../errors.js';

export interface ZipLimits {
  /** Largest total of uncompressed bytes over the entries read. */
  maxTotalBytes: number;
  /** Largest compression ratio of one entry above 1 MiB (text compresses 10–20×; bombs 1000×). */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxTotalBytes: 512 * 1024 * 1024, maxRatio: 200 };

/**
 * Compressed bytes fed to the verifying inflater at a time: deflate expands at most ~1032×, so one
 * piece can never produce more than ~16 MiB before the count is checked.
 */
const VERIFY_PIECE_BYTES = 16 * 1024;

/**
 * Reads the entries `wanted` selects (none when it is omitted: a size check only). Throws
 * E_INVALID_INPUT naming the entry when declared or actual sizes exceed the limits, E_PARSE when the
 * bytes are not a zip.
 */
export function readZip(bytes: Uint8Array, item: string, wanted: (name: string) => boolean = () => false, limits = DEFAULT_ZIP_LIMITS): Unzipped {
  let total = 0;
  let refusal: ZhikuError | null = null;
  let entries: Unzipped;
  const declared = new Map<string, number>();
  try {
    entries = unzipSync(bytes, {
      filter(file) {
        if (refusal) return false;
        total += file.originalSize;
        declared.set(file.name, Math.max(declared.get(file.name) ?? 0, file.originalSize));
        const ratio = file.size > 0 ? file.originalSize / file.size : Number.POSITIVE_INFINITY;
        if (total > limits.maxTotalBytes || (file.originalSize > 1024 * 1024 && ratio > limits.maxRatio)) {
          const shown = Number.isFinite(ratio) ? `${Math.round(ratio)}:1` : 'unbounded';
          refusal = bombError(item, `entry "${file.name}" inflates to ${file.originalSize} bytes (ratio ${shown})`);
          return false;
        }
        return wanted(file.name);
      },
    });
  } catch (error) {
    throw new ZhikuError('E_PARSE', `not a readable Office file (${(error as Error).message})`, { item, cause: error });
  }
  if (refusal) throw refusal;
  verifyInflatedSizes(bytes, item, declared, limits);
  return entries;
}

// ---------------------------------------------------------------------------

function bombError(item: string, what: string): ZhikuError {
  return new ZhikuError('E_INVALID_INPUT', `refused: ${what}, beyond the limits for a document (possible zip bomb)`, { item });
}

/**
 * Inflates every entry in a stream, counting bytes and keeping none: parsers trust the sizes the
 * archive declares, so an entry that inflates beyond its declared size (or all of them beyond the
 * total limit) is refused here, after at most one piece of excess output.
 */
function verifyInflatedSizes(bytes: Uint8Array, item: string, declared: ReadonlyMap<string, number>, limits: ZipLimits): void {
  let total = 0;
  let refusal: ZhikuError | null = null;
  const unzip = new Unzip((file) => {
    let size = 0;
    const allowed = declared.get(file.name) ?? 0;
    file.ondata = (error, chunk) => {
      if (refusal) return;
      if (error) {
        refusal = new ZhikuError('E_PARSE', `not a readable Office file (entry "${file.name}": ${error.message})`, { item, cause: error });
        return;
      }
      size += chunk.length;
      total += chunk.length;
      if (size > allowed) {
        refusal = bombError(item, `entry "${file.name}" inflates beyond the ${allowed} bytes its header declares`);
      } else if (total > limits.maxTotalBytes) {
        refusal = bombError(item, `entries inflate beyond ${limits.maxTotalBytes} bytes in total`);
      }
      if (refusal) file.terminate();
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let offset = 0; offset < bytes.length && !refusal; offset += VERIFY_PIECE_BYTES) {
      unzip.push(bytes.subarray(offset, offset + VERIFY_PIECE_BYTES), offset + VERIFY_PIECE_BYTES >= bytes.length);
    }
  } catch (error) {
    if (!refusal) throw new ZhikuError('E_PARSE', `not a readable Office file (${(error as Error).message})`, { item, cause: error });
  }
  if (refusal) throw refusal;
}
