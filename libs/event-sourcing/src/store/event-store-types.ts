// Types of the EventStore contract's reads and of forget, apart from event-store.ts for its length.
import type { EventEnvelope } from '../events/event-envelope';

/** What {@link EventStore.forget} did. */
export interface ForgetResult {
  subject: string;
  /** False when the subject was forgotten already: nothing was done again. */
  forgotten: boolean;
  /** The streams that held its personal data (empty on a repeat). */
  streamIds: string[];
}

/** Options of {@link EventStore.readStream} and {@link EventStore.iterateStream}. */
export interface ReadStreamOptions {
  /** First version to read (inclusive). Forwards: 1; backwards: the last one. */
  fromVersion?: number;
  /** Last version to read (inclusive). */
  toVersion?: number;
  /** `'forwards'` (default) or `'backwards'`. */
  direction?: 'forwards' | 'backwards';
  /** At most this many events. */
  limit?: number;
}

/** Options of {@link EventStore.iterateStream}. */
export interface IterateStreamOptions extends ReadStreamOptions {
  /** Events fetched per round trip; defaults to the module's `batchSize`. */
  batchSize?: number;
}

/**
 * Where a global reader stands: the transaction id and global position of the last
 * event it has seen. Treat it as opaque and store both parts.
 */
export interface GlobalCursor {
  transactionId: bigint;
  position: bigint;
}

/** The cursor before the first event of the store. */
export const START_OF_STORE: GlobalCursor = Object.freeze({ transactionId: 0n, position: 0n });

/** Options of {@link EventStore.readAll}. */
export interface ReadAllOptions {
  /** Read events after this cursor; from the start when absent. */
  after?: GlobalCursor;
  /** At most this many events; defaults to the module's `batchSize`. */
  limit?: number;
  /** Only events of these types; all types when absent or empty. */
  types?: readonly string[];
  /** Only events carrying every one of these tags; any when absent or empty. */
  tags?: readonly string[];
}

/** A page of {@link EventStore.readAll}. */
export interface ReadAllResult {
  events: EventEnvelope[];
  /** Cursor to pass as `after` for the next page (unchanged when the page is empty). */
  cursor: GlobalCursor;
}
