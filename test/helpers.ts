/**
 * Shared test helpers: run the CLI in-process with captured output, temporary homes, bench data.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../src/cli/run.js';
import { isZhikuError, type ZhikuError } from '../src/errors.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runZhiku(argv: string[], env: Record<string, string> = {}, cwd = process.cwd()): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await runCli({
    argv,
    env,
    cwd,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  return { code, stdout, stderr };
}

export function tempDir(prefix = 'zhiku-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The benchmark data folder; a missing folder fails the test that needs it, with the setting named. */
export function benchDir(): string {
  const dir = resolve(process.env.ZHIKU_BENCH_DIR ?? join(process.cwd(), '..', 'shared', 'bench'));
  if (!existsSync(join(dir, 'dr3'))) throw new Error(`benchmark data not found at ${dir} (set ZHIKU_BENCH_DIR)`);
  return dir;
}

export { seededRandom } from './seeded-random.js';

/** A seed example output by number (`004`), from ../shared/seeds next to the bench folder. */
export function seedFile(number: string): string {
  const dir = resolve(benchDir(), '..', 'seeds');
  const name = existsSync(dir) ? readdirSync(dir).find((file) => file.startsWith(`${number}_`)) : undefined;
  if (!name) throw new Error(`seed ${number} not found in ${dir}`);
  return join(dir, name);
}

/** The ZhikuError `run` throws; anything else thrown is rethrown, and throwing nothing fails. */
export function thrownZhikuError(run: () => unknown): ZhikuError {
  try {
    run();
  } catch (error) {
    if (isZhikuError(error)) return error;
    throw error;
  }
  throw new Error('expected a ZhikuError');
}

/** `E_CODE: message` of the ZhikuError `run` throws, or `no error`. */
export function zhikuErrorText(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isZhikuError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}
