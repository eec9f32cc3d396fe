// Types of the EventStore contract's reads and of forget, apart from event-store.ts for its length.

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

export { START_OF_STORE, type GlobalCursor, type ReadAllOptions, type ReadAllResult } from './read-all-options';
