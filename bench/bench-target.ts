import { randomUUID } from 'node:crypto';

/** The event every workload writes, on both sides: same shape, a fresh id each time. */
export interface BenchEvent {
  eventId: string;
  type: string;
  data: { amount: number; note: string };
  metadata: { correlationId: string };
}

const NOTE = 'x'.repeat(100);

/** A new event with a random id (so no two events of a run collide). */
export function benchEvent(correlationId: string): BenchEvent {
  return {
    eventId: randomUUID(),
    type: 'bench.deposited',
    data: { amount: 42, note: NOTE },
    metadata: { correlationId },
  };
}

/** `count` new events for one append. */
export function benchEvents(count: number, correlationId: string): BenchEvent[] {
  return Array.from({ length: count }, () => benchEvent(correlationId));
}

/** What a page of a {@link GlobalReader} held. */
export interface PageInfo {
  count: number;
  /** Stream of the page's last event, to check what was read. */
  lastStreamId: string | undefined;
}

/** Reads the whole store in global order, one page per call, from where the last call stopped. */
export interface GlobalReader {
  /** Reads the next page of at most `limit` events. */
  nextPage(limit: number): Promise<PageInfo>;
}

/** One side of the benchmark: the event store or the raw `pg` baseline. */
export interface BenchTarget {
  /** The side, as the report names it. */
  readonly name: 'store' | 'raw';
  /** Appends `events` to a stream that is known to be at `currentVersion` (0 = new stream). */
  append(streamId: string, currentVersion: number, events: readonly BenchEvent[]): Promise<void>;
  /** Appends one event after the stream's current version, retrying on conflict; returns the retries. */
  appendContended(streamId: string, event: BenchEvent): Promise<number>;
  /** Reads a whole stream in version order and returns how many events it has. */
  readStream(streamId: string): Promise<number>;
  /** A reader from the start of the store. */
  globalReader(): GlobalReader;
  /** Updates planner statistics after seeding (untimed). */
  analyze(): Promise<void>;
  close(): Promise<void>;
}
