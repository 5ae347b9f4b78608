/**
 * @module collect/parse/zip
 * OOXML containers (DOCX, PPTX, XLSX) are zip files: entries are read with fflate, after checking the
 * declared sizes, so a zip bomb is refused before anything is inflated.
 */
import { type Unzipped, unzipSync } from 'fflate';
import { ZhikuError } from '../../errors.js';

export interface ZipLimits {
  /** Largest total of uncompressed bytes over the entries read. */
  maxTotalBytes: number;
  /** Largest compression ratio of one entry above 1 MiB (text compresses 10–20×; bombs 1000×). */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxTotalBytes: 512 * 1024 * 1024, maxRatio: 200 };

/**
 * Reads the entries `wanted` selects (none when it is omitted: a size check only). Throws
 * E_INVALID_INPUT naming the entry when declared sizes exceed the limits, E_PARSE when the bytes are
 * not a zip.
 */
export function readZip(bytes: Uint8Array, item: string, wanted: (name: string) => boolean = () => false, limits = DEFAULT_ZIP_LIMITS): Unzipped {
  let total = 0;
  let refusal: ZhikuError | null = null;
  let entries: Unzipped;
  try {
    entries = unzipSync(bytes, {
      filter(file) {
        if (refusal) return false;
        total += file.originalSize;
        const ratio = file.size > 0 ? file.originalSize / file.size : Number.POSITIVE_INFINITY;
        if (total > limits.maxTotalBytes || (file.originalSize > 1024 * 1024 && ratio > limits.maxRatio)) {
          const shown = Number.isFinite(ratio) ? `${Math.round(ratio)}:1` : 'unbounded';
          refusal = new ZhikuError(
            'E_INVALID_INPUT',
            `refused: entry "${file.name}" inflates to ${file.originalSize} bytes (ratio ${shown}), beyond the limits for a document (possible zip bomb)`,
            { item },
          );
          return false;
        }
        return wanted(file.name);
      },
    });
  } catch (error) {
    throw new ZhikuError('E_PARSE', `not a readable Office file (${(error as Error).message})`, { item, cause: error });
  }
  if (refusal) throw refusal;
  return entries;
}
