/**
 * The twelfth migration: what stream lifecycle and natural keys keep. `s` is the quoted
 * schema name. @internal
 *
 * - `es_natural_keys`: one row per (stream, key), with the value it holds. A value is
 *   held by one stream at a time among rows not `released` (the partial unique index,
 *   which `findByNaturalKey` reads); a soft-deleted stream's rows are released and kept,
 *   to be claimed again when it is restored. Each row names its stream, so that a
 *   stream's keys (or a data subject's) can be deleted with it.
 * - `es_stream_tombstones`: one row per hard-deleted stream. Every append statement
 *   checks it (an index probe of a table that is usually empty), so that no process,
 *   whatever it knows of the stream's versions, can write to the id again.
 * - `es_stream_effects`: an append's natural keys and soft delete or restore, in the
 *   append's transaction. It answers the first key held by another stream (key, value),
 *   or null. PL/pgSQL and VOLATILE: each statement sees what committed before it, so a
 *   claim that waited for a concurrent one on the unique index sees who won.
 */
export function lifecycleSchemaSql(s: string): string[] {
  return [
    `CREATE TABLE ${s}.es_natural_keys (
      stream_id  text        NOT NULL,
      key        text        NOT NULL,
      value      text        NOT NULL,
      released   boolean     NOT NULL DEFAULT false,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (stream_id, key)
    )`,
    `CREATE UNIQUE INDEX es_natural_keys_held_idx ON ${s}.es_natural_keys (key, value) WHERE NOT released`,
    `CREATE TABLE ${s}.es_stream_tombstones (
      stream_id     text        PRIMARY KEY,
      stream_type   text        NOT NULL DEFAULT '',
      last_version  bigint      NOT NULL,
      last_position bigint      NOT NULL,
      deleted_at    timestamptz NOT NULL DEFAULT now()
    )`,
    streamEffectsSql(s, false),
  ];
}

/**
 * The `es_stream_effects` function: with `tenanted`, as the natural-key tenant migration
 * makes it (a sixth parameter, the tenant the keys are claimed for, and a value held once
 * per tenant); without, as the twelfth migration made it. @internal
 */
export function streamEffectsSql(s: string, tenanted: boolean): string {
  return `CREATE FUNCTION ${s}.es_stream_effects(p_stream_id text, p_keys text[], p_values text[], p_release text[],
        p_lifecycle text${tenanted ? ', p_tenant text' : ''}) RETURNS text[]
      LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        v_taken text[];
      BEGIN
        DELETE FROM ${s}.es_natural_keys WHERE stream_id = p_stream_id AND key = ANY(p_release);
        FOR i IN 1..coalesce(cardinality(p_keys), 0) LOOP
          -- The stream's earlier value of the key goes; the new one is held unless another stream holds it.
          DELETE FROM ${s}.es_natural_keys
           WHERE stream_id = p_stream_id AND key = p_keys[i] AND (value <> p_values[i] OR released${tenanted ? ' OR tenant <> p_tenant' : ''});
          INSERT INTO ${s}.es_natural_keys (stream_id, key, value${tenanted ? ', tenant' : ''}) VALUES (p_stream_id, p_keys[i], p_values[i]${tenanted ? ', p_tenant' : ''})
            ON CONFLICT DO NOTHING;
          IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM ${s}.es_natural_keys
                                        WHERE stream_id = p_stream_id AND key = p_keys[i] AND value = p_values[i]) THEN
            RETURN ARRAY[p_keys[i], p_values[i]];
          END IF;
        END LOOP;
        IF p_lifecycle = 'delete' THEN
          UPDATE ${s}.es_streams SET deleted = true WHERE stream_id = p_stream_id;
          UPDATE ${s}.es_natural_keys SET released = true WHERE stream_id = p_stream_id AND NOT released;
        ELSIF p_lifecycle = 'restore' THEN
          FOR pass IN 1..2 LOOP
            SELECT ARRAY[k.key, k.value] INTO v_taken FROM ${s}.es_natural_keys k
             WHERE k.stream_id = p_stream_id AND k.released
               AND EXISTS (SELECT 1 FROM ${s}.es_natural_keys o WHERE o.key = k.key AND o.value = k.value${tenanted ? ' AND o.tenant = k.tenant' : ''} AND NOT o.released)
             LIMIT 1;
            IF v_taken IS NOT NULL THEN
              RETURN v_taken;
            END IF;
            BEGIN
              UPDATE ${s}.es_natural_keys SET released = false WHERE stream_id = p_stream_id AND released;
              EXIT;
            EXCEPTION WHEN unique_violation THEN
              -- A concurrent claim committed first: the next pass finds which key it took.
              IF pass = 2 THEN
                RAISE;
              END IF;
            END;
          END LOOP;
          UPDATE ${s}.es_streams SET deleted = false WHERE stream_id = p_stream_id;
        END IF;
        RETURN NULL;
      END
    $fn$`;
}

/** Drops what {@link lifecycleSchemaSql} creates. @internal */
export function dropLifecycleSchemaSql(s: string): string[] {
  return [
    `DROP FUNCTION IF EXISTS ${s}.es_stream_effects(text, text[], text[], text[], text)`,
    `DROP TABLE IF EXISTS ${s}.es_stream_tombstones`,
    `DROP TABLE IF EXISTS ${s}.es_natural_keys`,
  ];
}
