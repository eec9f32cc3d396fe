import { types, type PoolClient } from 'pg';
import type { EventEnvelope, EventMetadata } from '../../events/event-envelope';
import type { Statement } from './statement';
import { readsText, textRows, type TextRow } from './text-rows';

/**
 * Columns every event read selects. `pg` returns bigint and xid8 as strings; they
 * become bigints once, in {@link toEnvelope}. @internal
 */
export const EVENT_COLUMNS =
  'position, transaction_id, event_id, stream_id, version, type, revision, data, metadata, created_at, tags';

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
  tags: string[];
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
    tags: row.tags,
    createdAt: row.created_at,
  };
}

/** The type oid of `text[]`, which `pg`'s builtins do not name. */
const TEXT_ARRAY = 1009;

/** The place of each of {@link EVENT_COLUMNS} in a {@link TextRow}. */
const enum Column {
  Position,
  TransactionId,
  EventId,
  StreamId,
  Version,
  Type,
  Revision,
  Data,
  Metadata,
  CreatedAt,
  Tags,
}

/**
 * Reads events with `statement`, which selects {@link EVENT_COLUMNS}: as text rows
 * ({@link textRows}) parsed straight into envelopes, each value once, with no row object
 * in between; on `pg-native`, which cannot hand rows over as text, as `pg`'s row
 * objects. @internal
 */
export async function readEvents(
  client: PoolClient,
  statement: Statement,
  values: readonly unknown[],
  /** False: through `pg`'s own query and row objects (`writePath.textRows` off). */
  asText = true,
): Promise<EventEnvelope[]> {
  if (!asText || !readsText(client))
    return (await client.query<EventRow>({ ...statement, values: [...values] })).rows.map(toEnvelope);
  return envelopesOf(await textRows(client, statement, values));
}

/**
 * Rows of {@link EVENT_COLUMNS}, as text, as envelopes. `data`, `metadata` and
 * `created_at` go through `pg`'s global parsers for `jsonb` and `timestamptz` (by default
 * `JSON.parse` and a Date), as they would have in a row object: one set with
 * `types.setTypeParser` (to keep big numbers exact, say) still applies. Parsers given to
 * a single client or pool (its `types` option) are not consulted.
 */
function envelopesOf(rows: readonly TextRow[]): EventEnvelope[] {
  const parseTimestamp = types.getTypeParser(types.builtins.TIMESTAMPTZ) as (text: string) => Date;
  const parseJson = types.getTypeParser(types.builtins.JSONB) as (text: string) => unknown;
  const parseTags = (types.getTypeParser as (oid: number) => (text: string) => string[])(TEXT_ARRAY);
  return rows.map((row) => ({
    eventId: row[Column.EventId]!,
    streamId: row[Column.StreamId]!,
    version: Number(row[Column.Version]),
    position: BigInt(row[Column.Position]!),
    transactionId: BigInt(row[Column.TransactionId]!),
    type: row[Column.Type]!,
    revision: Number(row[Column.Revision]),
    data: parseJson(row[Column.Data]!),
    metadata: parseJson(row[Column.Metadata]!) as EventMetadata,
    tags: row[Column.Tags] === '{}' ? [] : parseTags(row[Column.Tags]!),
    createdAt: parseTimestamp(row[Column.CreatedAt]!),
  }));
}
