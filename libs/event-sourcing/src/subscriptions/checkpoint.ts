import type { GlobalCursor } from '../store/event-store';

/** What a checkpoint row says of its subscriber. */
export type CheckpointStatus = 'active' | 'rebuilding' | 'parked' | 'paused';

/** A subscriber's checkpoint row. @internal */
export interface Checkpoint {
  cursor: GlobalCursor;
  lastPosition: bigint;
  status: CheckpointStatus;
  error: string | null;
  rebuildStartedAt: Date | null;
  rebuildDone: bigint;
  updatedAt: Date;
}

/** An event a subscriber gave up on, with the error of its last try. */
export interface ParkedEvent {
  subscriber: string;
  eventId: string;
  streamId: string;
  version: number;
  position: bigint;
  type: string;
  error: string;
  attempts: number;
  parkedAt: Date;
  /** Of a partitioned subscriber: the partition of the event's stream. */
  partition?: number;
}

/** @internal */
export interface CheckpointRow {
  transaction_id: string;
  position: string;
  last_position: string;
  status: CheckpointStatus;
  error: string | null;
  rebuild_started_at: Date | null;
  rebuild_done: string;
  updated_at: Date;
}

/** @internal */
export interface ParkedRow {
  subscriber: string;
  event_id: string;
  transaction_id: string;
  stream_id: string;
  version: string;
  position: string;
  type: string;
  error: string;
  attempts: number;
  parked_at: Date;
}

/** How the cursor moves in one compare-and-set. @internal */
export interface CheckpointMove {
  from: GlobalCursor;
  to: GlobalCursor;
  lastPosition?: bigint;
  /** Events handled by this move, counted while rebuilding. */
  handled?: number;
  /** A new status to set with the move. */
  status?: CheckpointStatus;
  error?: string | null;
}

/** A checkpoint row as the runners use it. @internal */
export function checkpointOf(row: CheckpointRow): Checkpoint {
  return {
    cursor: { transactionId: BigInt(row.transaction_id), position: BigInt(row.position) },
    lastPosition: BigInt(row.last_position),
    status: row.status,
    error: row.error,
    rebuildStartedAt: row.rebuild_started_at,
    rebuildDone: BigInt(row.rebuild_done),
    updatedAt: row.updated_at,
  };
}

/** A parked row as the API shows it. @internal */
export function parkedOf(row: ParkedRow): ParkedEvent {
  return {
    subscriber: row.subscriber,
    eventId: row.event_id,
    streamId: row.stream_id,
    version: Number(row.version),
    position: BigInt(row.position),
    type: row.type,
    error: row.error,
    attempts: row.attempts,
    parkedAt: row.parked_at,
  };
}
