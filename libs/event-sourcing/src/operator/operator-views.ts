import type { EventEnvelope } from '../events/event-envelope';
import type { StreamDescription } from '../store/event-store';
import type { Snapshot } from '../store/snapshot-store';
import type { ParkedEvent } from '../subscriptions/checkpoint-store';
import type { SubscriberStatus } from '../subscriptions/subscriber-status';

/**
 * An event as the operator routes and the CLI show it: positions and transaction ids as
 * decimal strings, since JSON has no 64-bit integers, and times in ISO 8601.
 */
export interface EventView {
  position: string;
  transactionId: string;
  eventId: string;
  streamId: string;
  version: number;
  type: string;
  revision: number;
  data: unknown;
  metadata: Record<string, unknown>;
  createdAt: string;
}

/** A stream as `GET /admin/streams/:streamId` shows it. */
export interface StreamView {
  streamId: string;
  streamType: string;
  version: number;
  deleted: boolean;
  createdAt: string;
  /** Its newest snapshot, or null. */
  snapshot: { version: number; revision: number } | null;
}

/** An event as JSON carries it. @internal */
export function eventView(event: EventEnvelope): EventView {
  return {
    position: event.position.toString(),
    transactionId: event.transactionId.toString(),
    eventId: event.eventId,
    streamId: event.streamId,
    version: event.version,
    type: event.type,
    revision: event.revision,
    data: event.data,
    metadata: event.metadata,
    createdAt: event.createdAt.toISOString(),
  };
}

/** A stream and its snapshot as JSON carries them. @internal */
export function streamView(stream: StreamDescription, snapshot: Snapshot | undefined): StreamView {
  return {
    streamId: stream.streamId,
    streamType: stream.streamType,
    version: stream.version,
    deleted: stream.deleted,
    createdAt: stream.createdAt.toISOString(),
    snapshot: snapshot ? { version: snapshot.version, revision: snapshot.revision } : null,
  };
}

/** A subscriber's status as JSON carries it: its bigints as strings. @internal */
export function statusView(status: SubscriberStatus): Record<string, unknown> {
  return {
    ...status,
    cursor: { transactionId: status.cursor.transactionId.toString(), position: status.cursor.position.toString() },
    position: status.position.toString(),
    head: status.head.toString(),
    ...(status.heldBackBy
      ? { heldBackBy: { ...status.heldBackBy, transactionId: status.heldBackBy.transactionId.toString() } }
      : {}),
    ...(status.partitions
      ? {
          partitions: status.partitions.map((p) => ({
            ...p,
            cursor: { transactionId: p.cursor.transactionId.toString(), position: p.cursor.position.toString() },
            position: p.position.toString(),
          })),
        }
      : {}),
  };
}

/** A parked event as JSON carries it. @internal */
export function parkedView(parked: ParkedEvent): Record<string, unknown> {
  return { ...parked, position: parked.position.toString() };
}
