import type { BenchEvent } from './bench-event';

/** What a page of a {@link GlobalReader} held. */
export interface PageInfo {
  count: number;
  /** Stream of the page's last event, to check what was read. */
  lastStreamId: string | undefined;
}

/** Reads the whole store in global order, one page per call, from where the last call stopped. */
export interface GlobalReader {
  nextPage(limit: number): Promise<PageInfo>;
}

/** One side of a store cell: the event store through its module, or the raw `pg` baseline. */
export interface BenchSide {
  /**
   * Appends `events` if the stream holds exactly `expectedVersion` events (0: a new stream);
   * false when it does not, and nothing was written.
   */
  append(streamId: string, expectedVersion: number, events: readonly BenchEvent[]): Promise<boolean>;
  /** {@link append} of one event by a writer that expects to lose races (workload 5). */
  appendContended(streamId: string, expectedVersion: number, event: BenchEvent): Promise<boolean>;
  /** Events in the stream (its version). */
  streamVersion(streamId: string): Promise<number>;
  /** Reads a {@link DepositTotal}'s stream and folds it: the sum of its amounts. */
  rehydrate(totalId: string): Promise<number>;
  /** A reader from the start of the store. */
  globalReader(): GlobalReader;
  close(): Promise<void>;
}
