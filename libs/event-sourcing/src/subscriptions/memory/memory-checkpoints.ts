import { streamPartition, type StreamPartition } from '../../store/stream-partition';
import { CheckpointConflictError } from '../../errors/checkpoint-conflict-error';
import type { EventEnvelope } from '../../events/event-envelope';
import { START_OF_STORE, type GlobalCursor } from '../../store/event-store';
import type { InMemoryEventStore } from '../../store/in-memory/in-memory-event-store';
import { copy } from '../../store/in-memory/in-memory-query';
import type { Checkpoint, CheckpointMove, CheckpointStatus, ParkedEvent } from '../checkpoint-store';
import { compareCursors, cursorOf } from '../global-cursor';

/**
 * The checkpoints and parked events of `database: 'memory'`, kept in process memory,
 * with the semantics of PostgreSQL's `CheckpointStore` (compare-and-set moves, a pause
 * that only `resume` lifts); it also answers what `SubscriptionInspector` reads from
 * PostgreSQL. `exclusive` stands in for the row lock: a batch, a rebuild and a parked
 * event's retry of one subscriber never interleave. @internal
 */
export class MemoryCheckpoints {
  private readonly rows = new Map<string, Checkpoint>();
  private readonly parkedEvents = new Map<string, ParkedEvent>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly store: InMemoryEventStore) {}

  async load(name: string): Promise<Checkpoint> {
    return { ...this.row(name) };
  }

  /** Runs `work` alone among the exclusive work of this subscriber. */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    const result = (this.locks.get(name) ?? Promise.resolve()).then(work);
    this.locks.set(
      name,
      result.catch(() => undefined),
    );
    return result;
  }

  /**
   * Checks that the checkpoint is still where the caller read it, and running.
   * @throws CheckpointConflictError when it moved (a rebuild, a dismissal) or was paused or parked.
   */
  async checkAt(name: string, at: GlobalCursor): Promise<void> {
    const row = this.row(name);
    const running = row.status === 'active' || row.status === 'rebuilding';
    if (!running || compareCursors(row.cursor, at) !== 0) throw new CheckpointConflictError(name);
  }

  /** @throws CheckpointConflictError when the checkpoint is not at `move.from`. */
  async move(name: string, move: CheckpointMove): Promise<void> {
    const row = this.row(name);
    if (compareCursors(row.cursor, move.from) !== 0) throw new CheckpointConflictError(name);
    row.cursor = move.to;
    if (move.lastPosition !== undefined && move.lastPosition > row.lastPosition) row.lastPosition = move.lastPosition;
    if (row.status === 'rebuilding') row.rebuildDone += BigInt(move.handled ?? 0);
    // A pause set meanwhile stays: only resume() lifts it.
    if (move.status && row.status !== 'paused') row.status = move.status;
    if (move.error !== undefined) row.error = move.error;
    row.updatedAt = new Date();
  }

  async setStatus(name: string, status: CheckpointStatus, error: string | null): Promise<void> {
    Object.assign(this.row(name), { status, error, updatedAt: new Date() });
  }

  /** Back to the start of the store for a rebuild, its parked events forgotten. */
  async rewind(name: string): Promise<void> {
    const now = new Date();
    Object.assign(this.row(name), {
      cursor: START_OF_STORE,
      lastPosition: 0n,
      status: 'rebuilding',
      error: null,
      rebuildStartedAt: now,
      rebuildDone: 0n,
      updatedAt: now,
    });
    for (const [key, parked] of this.parkedEvents) if (parked.subscriber === name) this.parkedEvents.delete(key);
  }

  /** As `pg_snapshot_xmin`, from the store's open transactions. */
  async horizon(): Promise<{ xmin: bigint; hidden: boolean }> {
    const xmin = this.store.horizon();
    return { xmin, hidden: this.store.committedEvents().some((e) => e.transactionId >= xmin) };
  }

  async park(name: string, event: EventEnvelope, error: string, attempts: number): Promise<void> {
    const key = `${name}\u0000${event.eventId}`;
    const known = this.parkedEvents.get(key);
    // Re-inserted, as PostgreSQL's upsert: the tries add up, and it moves to the end of the list.
    this.parkedEvents.delete(key);
    this.parkedEvents.set(key, {
      subscriber: name,
      eventId: event.eventId,
      streamId: event.streamId,
      version: event.version,
      position: event.position,
      type: event.type,
      error,
      attempts: (known?.attempts ?? 0) + attempts,
      parkedAt: new Date(),
    });
  }

  /** Parked events, oldest first; of one subscriber or all. */
  async parked(name?: string): Promise<ParkedEvent[]> {
    return [...this.parkedEvents.values()]
      .filter((p) => name === undefined || p.subscriber === name)
      .map((p) => ({ ...p }));
  }

  async unpark(name: string, eventId: string): Promise<boolean> {
    return this.parkedEvents.delete(`${name}\u0000${eventId}`);
  }

  async parkedCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const p of this.parkedEvents.values()) counts.set(p.subscriber, (counts.get(p.subscriber) ?? 0) + 1);
    return counts;
  }

  async countAfter(
    cursor: GlobalCursor,
    types: readonly string[],
    cap: number,
    partition?: StreamPartition,
  ): Promise<number> {
    let count = 0;
    for (const e of this.store.committedEvents()) {
      if (count >= cap) break;
      if (partition && streamPartition(e.streamId, partition.count) !== partition.index) continue;
      if ((types.length === 0 || types.includes(e.type)) && compareCursors(cursorOf(e), cursor) > 0) count++;
    }
    return count;
  }

  async transactionOf(position: bigint): Promise<bigint | undefined> {
    return this.store.committedEvents().find((e) => e.position === position)?.transactionId;
  }

  /** The store's highest global position (0 when empty). */
  async head(): Promise<bigint> {
    return this.store.committedEvents().at(-1)?.position ?? 0n;
  }

  /** The last committed event in the subscribers' order. */
  async lastCursor(): Promise<GlobalCursor | undefined> {
    let last: GlobalCursor | undefined;
    for (const e of this.store.committedEvents()) {
      if (!last || compareCursors(cursorOf(e), last) > 0) last = cursorOf(e);
    }
    return last;
  }

  /** A committed event by id, as the subscribers are given it. */
  async event(eventId: string): Promise<EventEnvelope | undefined> {
    const event = this.store.committedEvents().find((e) => e.eventId === eventId);
    return event && copy(event);
  }

  /** Never held: no other instance shares process memory. */
  async holdingTransaction(): Promise<undefined> {
    return undefined;
  }

  private row(name: string): Checkpoint {
    let row = this.rows.get(name);
    if (!row) {
      row = {
        cursor: START_OF_STORE,
        lastPosition: 0n,
        status: 'active',
        error: null,
        rebuildStartedAt: null,
        rebuildDone: 0n,
        updatedAt: new Date(),
      };
      this.rows.set(name, row);
    }
    return row;
  }
}
