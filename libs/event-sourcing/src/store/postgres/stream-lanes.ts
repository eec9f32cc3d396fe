import { ConcurrencyError } from '../../errors/concurrency-error';
import type { AppendResult } from '../event-store';
import type { PreparedAppend } from '../prepared-append';

/** What the last append through a lane wrote, committed: its event ids from `firstVersion` on. */
interface Written {
  firstVersion: number;
  eventIds: readonly string[];
}

interface Lane {
  /** Settles when the last append queued on the lane is done. */
  tail: Promise<void>;
  queued: number;
  written?: Written;
}

/**
 * Appends of this process to one stream go to the database one at a time, in the order
 * they came, and each learns from the one before it. When that one has just committed the
 * version an append expected to write, with other event ids, the append cannot succeed:
 * it fails with `ConcurrencyError` at once, as the database would have answered, without
 * the round trip, the wait on the winner's row lock, or the conflict answer.
 *
 * Many requests for one hot aggregate in one instance thus cost the database one append
 * each instead of a pile of lost races; appends to different streams are not held up.
 * The knowledge is only that of the previous committed append, and is dropped as soon as
 * no append of the stream is queued: versions written by other processes, or a retry of
 * an earlier append, go to the database as before. Appends inside a transaction do not
 * take a lane (their commit is not known here). It relies on a committed event never
 * leaving its version: a stream deletion must make the lane forget what it wrote
 * (`WriteCaches.forget`). @internal
 */
export class StreamLanes {
  private readonly lanes = new Map<string, Lane>();

  /** Runs `send` (the append of `prepared`) when the appends of its stream queued before it are done. */
  async run(prepared: PreparedAppend, send: () => Promise<AppendResult>): Promise<AppendResult> {
    const { streamId } = prepared;
    const lane = this.lanes.get(streamId) ?? this.open(streamId);
    const previous = lane.tail;
    let done!: () => void;
    lane.tail = new Promise<void>((resolve) => (done = resolve));
    lane.queued++;
    try {
      await previous;
      const overtaken = lane.written && overtakenBy(prepared, lane.written);
      if (overtaken) throw overtaken;
      lane.written = undefined;
      const result = await send();
      if (result.written) {
        const eventIds = prepared.events.map((e) => e.eventId);
        lane.written = { firstVersion: result.streamVersion - eventIds.length + 1, eventIds };
      }
      return result;
    } finally {
      if (--lane.queued === 0) this.lanes.delete(streamId);
      done();
    }
  }

  /** Drops what the lane of the stream knows of its last append (the appends queued on it still run in order). */
  forget(streamId: string): void {
    const lane = this.lanes.get(streamId);
    if (lane) lane.written = undefined;
  }

  /** Drops what every lane knows. */
  clear(): void {
    for (const lane of this.lanes.values()) lane.written = undefined;
  }

  private open(streamId: string): Lane {
    const lane: Lane = { tail: Promise.resolve(), queued: 0 };
    this.lanes.set(streamId, lane);
    return lane;
  }
}

/**
 * The error the database would answer, when `written` proves it: the version after the
 * expected one is among those just written, by other event ids (the same id there may be
 * an exact retry, which the database tells apart).
 */
function overtakenBy(prepared: PreparedAppend, written: Written): ConcurrencyError | undefined {
  const { streamId, expectedVersion, events } = prepared;
  const expected = expectedVersion === 'no_stream' ? 0 : expectedVersion;
  if (typeof expected !== 'number') return undefined;
  const last = written.firstVersion + written.eventIds.length - 1;
  const taken = written.eventIds[expected + 1 - written.firstVersion];
  if (expected >= last || taken === undefined || taken === events[0]?.eventId) return undefined;
  return new ConcurrencyError(streamId, expectedVersion, last);
}
