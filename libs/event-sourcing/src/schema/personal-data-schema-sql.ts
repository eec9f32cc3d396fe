/**
 * The migration of personal data (crypto-shredding, see docs/personal-data.md):
 *
 * - `es_subject_keys`: one row per data subject, its AES-256 data key (wrapped by the
 *   master key when one is configured). Forgetting the subject sets `key` to null and
 *   `forgotten_at`: the row stays as a tombstone, so that a subject forgotten is told
 *   from a key lost (a table emptied or restored without it), which is an error.
 * - `es_subject_streams`: which streams hold personal data of which subject, so that
 *   forgetting finds the snapshots and copies to erase without reading every event.
 * - `es_claim_subject_keys`: run inside an append's statement carrying personal data.
 *   It inserts the keys the process drew for new subjects, takes a share lock on every
 *   subject's row (a concurrent forget waits for the append, and the append after it
 *   sees the tombstone), records the stream, and fails when a subject was forgotten
 *   (ESK02) or has another key than the one the events were encrypted with (ESK01: the
 *   process loads the key and tries again). So the key is created in the append's
 *   transaction, and the append stays one statement.
 *
 * `s` is the quoted schema name. @internal
 */
export function personalDataSchemaSql(s: string): string[] {
  return [
    `CREATE TABLE ${s}.es_subject_keys (
      subject      text        PRIMARY KEY CHECK (length(subject) BETWEEN 1 AND 200),
      key          bytea,
      created_at   timestamptz NOT NULL DEFAULT now(),
      forgotten_at timestamptz,
      CONSTRAINT es_subject_keys_tombstone_check CHECK ((key IS NULL) = (forgotten_at IS NOT NULL))
    )`,
    `CREATE TABLE ${s}.es_subject_streams (
      subject   text NOT NULL,
      stream_id text NOT NULL,
      PRIMARY KEY (subject, stream_id)
    )`,
    `CREATE FUNCTION ${s}.es_claim_subject_keys(p_stream text, p_subjects text[], p_keys bytea[]) RETURNS boolean
      LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
      DECLARE
        v_inserted integer;
        v_row record;
      BEGIN
        -- The subjects come sorted, so that two appends lock their rows in one order. A row
        -- inserted here is this append's until it commits: a forget waits for it anyway.
        WITH inserted AS (
          INSERT INTO ${s}.es_subject_keys (subject, key)
            SELECT g.subject, g.key FROM unnest(p_subjects, p_keys) AS g(subject, key)
            ON CONFLICT (subject) DO NOTHING
            RETURNING 1
        ) SELECT count(*) INTO v_inserted FROM inserted;
        IF v_inserted < cardinality(p_subjects) THEN
          -- Known subjects: share-lock their rows (a forget waits for this append), then check them.
          FOR v_row IN SELECT k.subject, k.key, g.key AS given
                         FROM ${s}.es_subject_keys k JOIN unnest(p_subjects, p_keys) AS g(subject, key) ON g.subject = k.subject
                        ORDER BY k.subject FOR SHARE OF k LOOP
            IF v_row.key IS NULL THEN
              RAISE EXCEPTION USING ERRCODE = 'ESK02', MESSAGE = 'es_claim_subject_keys: a subject was forgotten',
                DETAIL = v_row.subject;
            END IF;
            IF v_row.key <> v_row.given THEN
              RAISE EXCEPTION USING ERRCODE = 'ESK01', MESSAGE = 'es_claim_subject_keys: a subject has another key',
                DETAIL = v_row.subject;
            END IF;
          END LOOP;
        END IF;
        INSERT INTO ${s}.es_subject_streams (subject, stream_id)
          SELECT g.subject, p_stream FROM unnest(p_subjects) AS g(subject)
          ON CONFLICT DO NOTHING;
        RETURN true;
      END
    $fn$`,
  ];
}

/** Drops what {@link personalDataSchemaSql} creates. @internal */
export function dropPersonalDataSchemaSql(s: string): string[] {
  return [
    `DROP FUNCTION IF EXISTS ${s}.es_claim_subject_keys(text, text[], bytea[])`,
    `DROP TABLE IF EXISTS ${s}.es_subject_streams`,
    `DROP TABLE IF EXISTS ${s}.es_subject_keys`,
  ];
}
