import type { EventEnvelope, EventMetadata } from '../../events/event-envelope';

/**
 * Columns every event read selects; bigint and xid8 as text, converted once in
 * {@link toEnvelope}. The text columns get names of their own: an ORDER BY on an output
 * name would sort the text. @internal
 */
export const EVENT_COLUMNS =
  'position::text AS position_text, transaction_id::text AS transaction_id_text, event_id, stream_id, version, type, revision, data, metadata, created_at';

/** A row of {@link EVENT_COLUMNS}, as `pg` returns it. @internal */
export interface EventRow {
  position_text: string;
  transaction_id_text: string;
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
    position: BigInt(row.position_text),
    transactionId: BigInt(row.transaction_id_text),
    type: row.type,
    revision: row.revision,
    data: row.data,
    metadata: row.metadata,
    createdAt: row.created_at,
  };
}
