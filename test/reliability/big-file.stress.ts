/**
 * The size limit at full scale: a text file just above the default 200 MiB limit is refused before a
 * byte of it is read, in one line naming the limit, with the process's memory at its baseline; one just
 * below it is read as a stream and stored in parts, with memory bounded by the part size.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FILE_BYTES } from '../../src/config/defaults.js';
import { tempDir } from '../helpers.js';
import { runZhikuProcess } from './child.js';
import { writeLargeText } from './generate.js';

describe('a 200 MiB text file', () => {
  it('above the default ingest.maxFileBytes is refused with the limit named, without being read', async () => {
    const dir = tempDir('zhiku-big-');
    writeLargeText(join(dir, 'huge.txt'), DEFAULT_MAX_FILE_BYTES + 1024);
    const result = await runZhikuProcess(['--home', join(dir, 'home'), 'add', join(dir, 'huge.txt')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`zhiku: ${join(dir, 'huge.txt')}: file is 200.0 MiB, above the 200.0 MiB limit (ingest.maxFileBytes) [E_INVALID_INPUT]\n`);
    console.info(`200 MiB file refused: peak RSS ${result.peakRssMiB} MiB, ${result.seconds.toFixed(1)} s`);
    expect(result.peakRssMiB).toBeLessThan(480);
  });

  it('just below the limit is streamed into parts with bounded memory', async () => {
    const dir = tempDir('zhiku-big-');
    writeLargeText(join(dir, 'large.txt'), DEFAULT_MAX_FILE_BYTES - 1024);
    const result = await runZhikuProcess(['--home', join(dir, 'home'), 'add', join(dir, 'large.txt'), '--json'], { timeoutMs: 1_800_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    // The generated text repeats one sentence, so most parts are duplicates of the first: all are accounted for.
    // About 70M characters in parts of at most 4M.
    expect(report.inserted + report.duplicate).toBeGreaterThanOrEqual(17);
    console.info(`200 MiB file streamed: ${report.inserted + report.duplicate} parts, peak RSS ${result.peakRssMiB} MiB, ${result.seconds.toFixed(1)} s`);
    expect(result.peakRssMiB).toBeLessThan(768);
  });
});
