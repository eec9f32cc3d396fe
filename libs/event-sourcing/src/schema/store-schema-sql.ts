/**
 * The SQL of the store's schema, one function per migration so that a test can
 * snapshot it. `s` is the quoted schema name. @internal
 */
export function initialSchemaSql(s: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    // One row per stream, written once when the stream gets its first event. Versions
    // live in es_events alone: appends never lock or update this row.
    `CREATE TABLE ${s}.es_streams (
      stream_id   text        PRIMARY KEY CHECK (length(stream_id) BETWEEN 1 AND 255),
      stream_type text        NOT NULL DEFAULT '',
      deleted     boolean     NOT NULL DEFAULT false,
      created_at  timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX es_streams_type_idx ON ${s}.es_streams (stream_type)`,
    `CREATE TABLE ${s}.es_events (
      position       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
      event_id       uuid        NOT NULL,
      stream_id      text        NOT NULL,
      version        bigint      NOT NULL CHECK (version >= 1),
      type           text        NOT NULL,
      revision       integer     NOT NULL DEFAULT 1 CHECK (revision >= 1),
      data           jsonb       NOT NULL,
      metadata       jsonb       NOT NULL DEFAULT '{}'::jsonb,
      created_at     timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT es_events_event_id_key UNIQUE (event_id),
      CONSTRAINT es_events_stream_version_key UNIQUE (stream_id, version)
    )`,
    // Gap-safe global reads walk (transaction_id, position).
    `CREATE INDEX es_events_global_idx ON ${s}.es_events (transaction_id, position)`,
    `CREATE INDEX es_events_type_idx ON ${s}.es_events (type, position)`,
    // created_at grows with position, so a BRIN index answers time ranges at little write cost.
    `CREATE INDEX es_events_created_at_idx ON ${s}.es_events USING brin (created_at)`,
    `CREATE INDEX es_events_correlation_idx ON ${s}.es_events ((metadata->>'correlationId'))`,
  ];
}

/** The second migration: one snapshot per stream, the newest. @internal */
export function snapshotSchemaSql(s: string): string[] {
  return [
    `CREATE TABLE ${s}.es_snapshots (
      stream_id  text        PRIMARY KEY,
      version    bigint      NOT NULL CHECK (version >= 1),
      revision   integer     NOT NULL CHECK (revision >= 1),
      state      jsonb       NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
  ];
}

/**
 * The fifth migration: what an append that inserted nothing needs to know, for each of
 * its event ids in order, where it is stored (if anywhere), with the stream's version,
 * as a JSON array. Being PL/pgSQL and VOLATILE, it reads with a snapshot of its own: the
 * single-event append statement calls it in the same round trip and still sees what
 * committed while that statement ran, such as the append it lost to. @internal
 */
export function appendConflictSchemaSql(s: string): string[] {
  return [
    `CREATE FUNCTION ${s}.es_append_conflict(p_stream_id text, p_event_ids uuid[]) RETURNS jsonb
      LANGUAGE plpgsql VOLATILE AS $fn$
      BEGIN
        RETURN (
          SELECT jsonb_agg(jsonb_build_object(
                   'stream_id', ev.stream_id, 'version', ev.version::text, 'position', ev.position::text,
                   'current_version', stream.version::text) ORDER BY w.n)
            FROM unnest(p_event_ids) WITH ORDINALITY AS w(event_id, n)
           CROSS JOIN (SELECT coalesce(max(version), 0) AS version FROM ${s}.es_events WHERE stream_id = p_stream_id) stream
            LEFT JOIN ${s}.es_events ev ON ev.event_id = w.event_id
        );
      END
    $fn$`,
  ];
}

/**
 * The sixth migration: the same answer as `es_append_conflict` for one event id, as a
 * row of scalars. A lost single-event append asks it, often many times a second on a
 * contended stream, so it does two index lookups and builds no JSON: about half the
 * server time of the general function. PL/pgSQL and VOLATILE for the same reason: a
 * snapshot of its own. @internal
 */
export function appendConflictOneSchemaSql(s: string): string[] {
  return [
    `CREATE FUNCTION ${s}.es_append_conflict_one(p_stream_id text, p_event_id uuid,
        OUT current_version bigint, OUT stored_stream_id text, OUT stored_version bigint, OUT stored_position bigint)
      LANGUAGE plpgsql VOLATILE AS $fn$
      BEGIN
        SELECT coalesce(max(version), 0) INTO current_version FROM ${s}.es_events WHERE stream_id = p_stream_id;
        SELECT stream_id, version, position INTO stored_stream_id, stored_version, stored_position
          FROM ${s}.es_events WHERE event_id = p_event_id;
      END
    $fn$`,
  ];
}

/**
 * The index on each event's correlation id, which `queryEvents({ correlationId })` uses
 * when it exists. The first migration created it; the seventh drops it unless wanted
 * (`correlationIdIndex`), and restores it on the way down: it weighs on every append,
 * most on batches, where it measured about 15% of the insert's time in PostgreSQL.
 * @internal
 */
export function correlationIndexSql(s: string): string[] {
  return [`CREATE INDEX IF NOT EXISTS es_events_correlation_idx ON ${s}.es_events ((metadata->>'correlationId'))`];
}

/** Drops what {@link correlationIndexSql} creates. @internal */
export function dropCorrelationIndexSql(s: string): string[] {
  return [`DROP INDEX IF EXISTS ${s}.es_events_correlation_idx`];
}

/** Drops what {@link appendConflictOneSchemaSql} creates. @internal */
export function dropAppendConflictOneSchemaSql(s: string): string[] {
  return [`DROP FUNCTION IF EXISTS ${s}.es_append_conflict_one(text, uuid)`];
}

/** Drops what {@link appendConflictSchemaSql} creates. @internal */
export function dropAppendConflictSchemaSql(s: string): string[] {
  return [`DROP FUNCTION IF EXISTS ${s}.es_append_conflict(text, uuid[])`];
}

/** Drops what {@link snapshotSchemaSql} creates. @internal */
export function dropSnapshotSchemaSql(s: string): string[] {
  return [`DROP TABLE IF EXISTS ${s}.es_snapshots`];
}

/** Drops what {@link initialSchemaSql} creates, schema excepted. @internal */
export function dropInitialSchemaSql(s: string): string[] {
  return [`DROP TABLE IF EXISTS ${s}.es_events`, `DROP TABLE IF EXISTS ${s}.es_streams`];
}
