/**
 * The SQL of the Idempotency-Key table, a migration of the store's list (see
 * `eventStoreMigrations`). `s` is the quoted schema name. @internal
 */
export function idempotencySchemaSql(s: string): string[] {
  return [
    // One row per key. A request claims its key by inserting the row as pending (the
    // primary key lets one of two concurrent requests win), then completes it with the
    // response to replay, or deletes it when it failed. The body is json, not jsonb, so
    // that a replay has the very text of the first response, key order included.
    `CREATE TABLE ${s}.es_idempotency_keys (
      key              text        PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
      fingerprint      text        NOT NULL,
      claim_id         uuid        NOT NULL,
      status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
      response_status  integer     CHECK (response_status BETWEEN 100 AND 599),
      response_headers jsonb       NOT NULL DEFAULT '{}'::jsonb,
      response_body    json,
      created_at       timestamptz NOT NULL DEFAULT now(),
      completed_at     timestamptz,
      CONSTRAINT es_idempotency_keys_completed_check CHECK (status = 'pending' OR response_status IS NOT NULL)
    )`,
    // Expired keys are purged by age.
    `CREATE INDEX es_idempotency_keys_created_at_idx ON ${s}.es_idempotency_keys (created_at)`,
  ];
}

/** Drops what {@link idempotencySchemaSql} creates. @internal */
export function dropIdempotencySchemaSql(s: string): string[] {
  return [`DROP TABLE IF EXISTS ${s}.es_idempotency_keys`];
}
