import { EVENT_COLUMNS } from './event-row';
import { shortTag } from '../../database/short-tag';
import type { Statement } from './statement';

/** The store's read statements for one schema. @internal */
export interface ReadStatements {
  schema: string;
  readStream: Statement;
  readStreamBackwards: Statement;
  readAll: Statement;
  readAllOfTypes: Statement;
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
