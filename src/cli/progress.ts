/**
 * @module cli/progress
 * A progress bar on stderr, shown only when stdout is a terminal.
 */
import type { Logger } from '../logger.js';

export interface Progress {
  update(done: number, label?: string): void;
  setTotal(total: number): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update() {}, setTotal() {}, stop() {} };

export async function startProgress(logger: Logger, total: number, unit: string): Promise<Progress> {
  if (!logger.interactive || !logger.errStream) return NO_PROGRESS;
  const { SingleBar, Presets } = (await import('cli-progress')).default;
  const bar = new SingleBar(
    { stream: logger.errStream, format: `{bar} {value}/{total} ${unit} | {label}`, hideCursor: true, clearOnComplete: true },
    Presets.shades_classic,
  );
  bar.start(total, 0, { label: '' });
  return {
    update: (done, label = '') => bar.update(done, { label }),
    setTotal: (n) => bar.setTotal(n),
    stop: () => bar.stop(),
  };
}
