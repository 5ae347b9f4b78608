/**
 * @module collect/types
 * What collectors hand to the library: parsed documents, empty entries and failures, never store calls.
 */
import type { ItemFailure } from '../errors.js';
import type { DocumentInput } from '../library/prepare.js';

export type CollectedItem =
  | { kind: 'document'; item: string; input: DocumentInput }
  /** An entry with nothing to index (an empty corpus body): reported, not an error. */
  | { kind: 'empty'; item: string; reason: string }
  /** A file a directory walk passed over (unsupported type, JSON that is not a corpus). */
  | { kind: 'ignored'; item: string; reason: string }
  | ({ kind: 'failed' } & ItemFailure);
