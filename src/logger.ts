/**
 * @module logger
 * Output goes through an injected Logger so that commands can be run and captured in-process.
 */
import type { Writable } from 'node:stream';

export interface Logger {
  /** Normal output (results, tables, JSON). */
  out(line: string): void;
  /** Messages for the person: progress notes, warnings, errors. */
  err(line: string): void;
  /** True when stdout is an interactive terminal (progress bars are shown only then). */
  readonly interactive: boolean;
  readonly errStream: Writable | undefined;
}

export function createStreamLogger(stdout: Writable & { isTTY?: boolean }, stderr: Writable): Logger {
  return {
    out: (line) => void stdout.write(`${line}\n`),
    err: (line) => void stderr.write(`${line}\n`),
    interactive: Boolean(stdout.isTTY),
    errStream: stderr,
  };
}

/** A logger that records lines; used by tests and by callers that want output as data. */
export function createMemoryLogger(): Logger & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => void stdout.push(line),
    err: (line) => void stderr.push(line),
    interactive: false,
    errStream: undefined,
  };
}

export const SILENT_LOGGER: Logger = { out() {}, err() {}, interactive: false, errStream: undefined };
