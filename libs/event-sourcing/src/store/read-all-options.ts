import type { EventEnvelope } from '../events/event-envelope';
import type { StreamPartition } from './stream-partition';

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
  /**
   * Only events of streams in this partition (see `streamPartition`): what a partitioned
   * subscriber's partition reads.
   */
  partition?: StreamPartition;
}

/** A page of {@link EventStore.readAll}. */
export interface ReadAllResult {
  events: EventEnvelope[];
  /** Cursor to pass as `after` for the next page (unchanged when the page is empty). */
  cursor: GlobalCursor;
}
