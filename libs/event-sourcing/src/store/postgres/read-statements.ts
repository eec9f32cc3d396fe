import type { PoolClient } from 'pg';
import type { EventEnvelope } from '../../events/event-envelope';
import { EVENT_COLUMNS, readEvents } from './event-row';
import { assertStreamId } from '../prepared-append';
import { resolveStreamRange } from '../read-options';
import type { TextRow } from './text-rows';
import { shortTag } from '../../database/short-tag';
import type { Statement } from './statement';
import type { GlobalCursor, ReadAllOptions, ReadStreamOptions, StreamDescription } from '../event-store';
import { queryTags } from '../tags';
import { streamPartitionSql } from '../stream-partition';

/** The store's read statements for one schema. @internal */
export interface ReadStatements {
  schema: string;
  readStream: Statement;
  readStreamBackwards: Statement;
  readAll: Statement;
  readAllOfTypes: Statement;
  /** `readAll` and `readAllOfTypes` for events carrying all of `$4` (then `$5`) tags. */
  readAllOfTags: Statement;
  readAllOfTypesTags: Statement;
  /** `readAll` and `readAllOfTypes` of one partition of the streams (`$4` count, `$5` index; types then `$6`). */
  readAllOfPartition: Statement;
  readAllOfTypesPartition: Statement;
  streamVersion: Statement;
  describeStream: Statement;
}

/** Builds {@link ReadStatements} for the quoted schema `s`; their names carry the schema. @internal */
export function buildReadStatements(s: string): ReadStatements {
  const streamRange = `SELECT ${EVENT_COLUMNS} FROM ${s}.es_events WHERE stream_id = $1 AND version BETWEEN $2 AND $3`;
  // Only transactions older than every open one are final: read strictly below that horizon.
  const readAll = (typeFilter: string): string => `SELECT ${EVENT_COLUMNS} FROM ${s}.es_events
    WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())${typeFilter}
    ORDER BY transaction_id, position LIMIT $3`;
  const statement = (name: string, text: string): Statement => ({ name: `es_${name}_${shortTag(s)}`, text });
  return {
    schema: s,
    readStream: statement('read_stream', `${streamRange} ORDER BY version LIMIT $4`),
    readStreamBackwards: statement('read_stream_back', `${streamRange} ORDER BY version DESC LIMIT $4`),
    readAll: statement('read_all', readAll('')),
    readAllOfTypes: statement('read_all_types', readAll(' AND type = ANY($4::text[])')),
    // Unnamed, so planned for each call's tags: a generic plan, not knowing how rare a
    // tag is, walked the global index over a million events (387 ms against 0.07).
    readAllOfTags: { name: '', text: readAll(` AND tags @> $4::text[] AND tags <> '{}'`) },
    readAllOfTypesTags: {
      name: '',
      text: readAll(` AND type = ANY($4::text[]) AND tags @> $5::text[] AND tags <> '{}'`),
    },
    readAllOfPartition: statement(
      'read_all_part',
      readAll(` AND ${streamPartitionSql('stream_id', '$4::bigint')} = $5`),
    ),
    readAllOfTypesPartition: statement(
      'read_all_types_part',
      readAll(` AND ${streamPartitionSql('stream_id', '$4::bigint')} = $5 AND type = ANY($6::text[])`),
    ),
    streamVersion: statement(
      'version',
      `SELECT coalesce(max(version), 0) AS version FROM ${s}.es_events WHERE stream_id = $1`,
    ),
    // created_at as ISO 8601 text (to_json), which Date reads whatever the session's DateStyle.
    describeStream: statement(
      'describe_stream',
      `SELECT st.stream_type, st.deleted::text, to_json(st.created_at) #>> '{}',
        (SELECT coalesce(max(version), 0) FROM ${s}.es_events e WHERE e.stream_id = st.stream_id)
      FROM ${s}.es_streams st WHERE st.stream_id = $1`,
    ),
  };
}

/**
 * The `readAll` statement for a filter by types, by tags, by both or by neither, and its values.
 * @throws InvalidQueryError for bad tags.
 * @internal
 */
export function readAllQuery(
  sql: ReadStatements,
  after: GlobalCursor,
  limit: number,
  options: ReadAllOptions,
): { statement: Statement; values: unknown[] } {
  const types = options.types?.length ? [...options.types] : undefined;
  const tags = options.tags?.length ? queryTags('tags', options.tags) : undefined;
  const values: unknown[] = [after.transactionId.toString(), after.position.toString(), limit];
  const partition = options.partition;
  if (partition && !tags) {
    values.push(partition.count, partition.index);
    if (types) values.push(types);
    return { statement: types ? sql.readAllOfTypesPartition : sql.readAllOfPartition, values };
  }
  if (partition) {
    // Tags and a partition: rare enough to be built for the call.
    const base = types ? sql.readAllOfTypesTags : sql.readAllOfTags;
    const at = types ? 6 : 5;
    values.push(...(types ? [types] : []), tags, partition.count, partition.index);
    const filter = ` AND ${streamPartitionSql('stream_id', `$${at}::bigint`)} = $${at + 1}\n    ORDER BY`;
    return { statement: { name: '', text: base.text.replace(/\s+ORDER BY/, filter) }, values };
  }
  if (types) values.push(types);
  if (tags) values.push(tags);
  const statement = tags
    ? types
      ? sql.readAllOfTypesTags
      : sql.readAllOfTags
    : types
      ? sql.readAllOfTypes
      : sql.readAll;
  return { statement, values };
}

/** A stream's events in `options`' range, read on `client`. @internal */
export function readStreamOn(
  client: PoolClient,
  sql: ReadStatements,
  streamId: string,
  options: ReadStreamOptions | undefined,
  textRows: boolean,
): Promise<EventEnvelope[]> {
  assertStreamId(streamId);
  const { fromVersion, toVersion, backwards, limit } = resolveStreamRange(options);
  const [lower, upper] = backwards ? [toVersion, fromVersion] : [fromVersion, toVersion];
  return readEvents(
    client,
    backwards ? sql.readStreamBackwards : sql.readStream,
    [streamId, lower ?? 0, upper ?? Number.MAX_SAFE_INTEGER, limit ?? null],
    textRows,
  );
}

/** What `describeStream`'s row says. @internal */
export function streamDescriptionOf(streamId: string, row: TextRow): StreamDescription {
  const [streamType, deleted, createdAt, version] = row;
  return {
    streamId,
    streamType: streamType ?? '',
    version: Number(version),
    deleted: deleted === 'true',
    createdAt: new Date(createdAt!),
  };
}
