/**
 * The SQL of the store's schema, one function per migration so that a test can
 * snapshot it. `s` is the quoted schema name. @internal
 */
export function initialSchemaSql(s: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE ${s}.es_streams (
      stream_id   text        PRIMARY KEY CHECK (length(stream_id) BETWEEN 1 AND 255),
      stream_type text        NOT NULL DEFAULT '',
      version     bigint      NOT NULL CHECK (version >= 0),
      deleted     boolean     NOT NULL DEFAULT false,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now()
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
    replayFunctionSql(s),
    appendFunctionSql(s),
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

/** Drops what {@link snapshotSchemaSql} creates. @internal */
export function dropSnapshotSchemaSql(s: string): string[] {
  return [`DROP TABLE IF EXISTS ${s}.es_snapshots`];
}

/** Drops what {@link initialSchemaSql} creates, schema excepted. @internal */
export function dropInitialSchemaSql(s: string): string[] {
  return [
    `DROP FUNCTION IF EXISTS ${s}.es_append(text, text, text, jsonb)`,
    `DROP FUNCTION IF EXISTS ${s}.es_replay(text, text, jsonb)`,
    `DROP TABLE IF EXISTS ${s}.es_events`,
    `DROP TABLE IF EXISTS ${s}.es_streams`,
  ];
}

/**
 * `es_append` checks the expected version and inserts the events in one call, so an
 * append is one round trip. It returns status 'conflict' (writing nothing) rather than
 * raising, so a version conflict costs no aborted transaction and no lost connection.
 * A retry of an append whose events are all stored at the same versions returns
 * 'replayed'. An event id stored in any other way raises SQLSTATE ES002.
 */
function appendFunctionSql(s: string): string {
  return `CREATE FUNCTION ${s}.es_append(
      p_stream_id text, p_stream_type text, p_expected text, p_events jsonb)
    RETURNS TABLE (status text, stream_version bigint, last_position bigint)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_current  bigint;
      v_exists   boolean;
      v_count    integer := jsonb_array_length(p_events);
      v_inserted integer;
      v_last     bigint;
    BEGIN
      LOOP
        SELECT st.version INTO v_current FROM ${s}.es_streams st WHERE st.stream_id = p_stream_id FOR UPDATE;
        v_exists := FOUND;
        EXIT WHEN v_exists;
        v_current := 0;
        EXIT WHEN p_expected NOT IN ('any', 'no_stream', '0');
        -- Create the stream row; when a concurrent append created it first, lock and re-check it.
        INSERT INTO ${s}.es_streams (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, 0)
          ON CONFLICT (stream_id) DO NOTHING;
        IF FOUND THEN v_exists := true; EXIT; END IF;
      END LOOP;

      IF NOT (CASE p_expected
                WHEN 'any' THEN true
                WHEN 'no_stream' THEN v_current = 0
                WHEN 'stream_exists' THEN v_exists AND v_current > 0
                ELSE v_current = p_expected::bigint END) THEN
        RETURN QUERY SELECT r.status, r.stream_version, r.last_position
          FROM ${s}.es_replay(p_stream_id, p_expected, p_events) r;
        IF NOT FOUND THEN
          RETURN QUERY SELECT 'conflict'::text, v_current, NULL::bigint;
        END IF;
        RETURN;
      END IF;

      WITH inserted AS (
        INSERT INTO ${s}.es_events (event_id, stream_id, version, type, revision, data, metadata)
        SELECT (x.e->>'id')::uuid, p_stream_id, v_current + x.n, x.e->>'type', (x.e->>'revision')::integer,
               x.e->'data', x.e->'metadata'
          FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, n)
        ON CONFLICT (event_id) DO NOTHING
        RETURNING position)
      SELECT count(*), max(position) INTO v_inserted, v_last FROM inserted;

      IF v_inserted < v_count THEN
        IF v_inserted = 0 THEN
          RETURN QUERY SELECT r.status, r.stream_version, r.last_position
            FROM ${s}.es_replay(p_stream_id, p_expected, p_events) r;
          IF FOUND THEN RETURN; END IF;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'ES002', MESSAGE = 'duplicate event id',
          DETAIL = (SELECT x.e->>'id' FROM jsonb_array_elements(p_events) x(e)
                     JOIN ${s}.es_events ev ON ev.event_id = (x.e->>'id')::uuid
                     WHERE ev.stream_id <> p_stream_id OR ev.version <= v_current LIMIT 1);
      END IF;

      UPDATE ${s}.es_streams SET version = v_current + v_count, updated_at = now() WHERE stream_id = p_stream_id;
      RETURN QUERY SELECT 'ok'::text, v_current + v_count, v_last;
    END
    $fn$`;
}

/**
 * `es_replay` answers whether an append is an exact retry of one already stored: all its
 * event ids in this stream at consecutive versions, starting where the expected version
 * says.
 */
function replayFunctionSql(s: string): string {
  return `CREATE FUNCTION ${s}.es_replay(p_stream_id text, p_expected text, p_events jsonb)
    RETURNS TABLE (status text, stream_version bigint, last_position bigint)
    LANGUAGE sql STABLE AS $fn$
      WITH wanted AS (
        SELECT (x.e->>'id')::uuid AS event_id, x.n FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, n)),
      found AS (
        SELECT w.n, ev.stream_id, ev.version, ev.position
          FROM wanted w LEFT JOIN ${s}.es_events ev ON ev.event_id = w.event_id),
      base AS (
        SELECT f.version - 1 AS v FROM found f WHERE f.n = 1 AND f.stream_id = p_stream_id)
      SELECT 'replayed'::text, max(f.version), max(f.position)
        FROM found f, base b
       WHERE CASE p_expected
               WHEN 'any' THEN true
               WHEN 'stream_exists' THEN true
               WHEN 'no_stream' THEN b.v = 0
               ELSE b.v = p_expected::bigint END
      GROUP BY b.v
      HAVING bool_and(f.stream_id IS NOT DISTINCT FROM p_stream_id AND f.version = b.v + f.n)
         AND count(*) = jsonb_array_length(p_events)
    $fn$`;
}
