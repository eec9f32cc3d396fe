import type { EventEnvelope, EventMetadata } from '../../events/event-envelope';

/**
 * Columns every event read selects. `pg` returns bigint and xid8 as strings; they
 * become bigints once, in {@link toEnvelope}. @internal
 */
export const EVENT_COLUMNS =
  'position, transaction_id, event_id, stream_id, version, type, revision, data, metadata, created_at';

/** A row of {@link EVENT_COLUMNS}, as `pg` returns it. @internal */
export interface EventRow {
  position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  version: string;
  type: string;
  revision: number;
  data: unknown;
  metadata: EventMetadata;
  created_at: Date;
}

/** Turns a row into an envelope. @internal */
export function toEnvelope(row: EventRow): EventEnvelope {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    version: Number(row.version),
    position: BigInt(row.position),
    transactionId: BigInt(row.transaction_id),
    type: row.type,
    revision: row.revision,
    data: row.data,
    metadata: row.metadata,
    createdAt: row.created_at,
  };
}
