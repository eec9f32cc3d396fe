/**
 * The third migration: checkpoints of durable subscribers and the events they parked.
 * `s` is the quoted schema name. @internal
 */
export function subscriptionSchemaSql(s: string): string[] {
  return [
    // The cursor (transaction_id, position) is the gap-safe global order of readAll:
    // everything at or before it is handled. It only moves by compare-and-set.
    `CREATE TABLE ${s}.es_checkpoints (
      subscriber         text        PRIMARY KEY,
      transaction_id     xid8        NOT NULL DEFAULT '0',
      position           bigint      NOT NULL DEFAULT 0,
      last_position      bigint      NOT NULL DEFAULT 0,
      status             text        NOT NULL DEFAULT 'active'
                                     CHECK (status IN ('active', 'rebuilding', 'parked', 'paused')),
      error              text,
      rebuild_started_at timestamptz,
      rebuild_done       bigint      NOT NULL DEFAULT 0,
      updated_at         timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE ${s}.es_parked_events (
      subscriber     text        NOT NULL,
      event_id       uuid        NOT NULL,
      transaction_id xid8        NOT NULL,
      position       bigint      NOT NULL,
      stream_id      text        NOT NULL,
      version        bigint      NOT NULL,
      type           text        NOT NULL,
      error          text        NOT NULL,
      attempts       integer     NOT NULL,
      parked_at      timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (subscriber, event_id)
    )`,
  ];
}

/** Drops what {@link subscriptionSchemaSql} creates. @internal */
export function dropSubscriptionSchemaSql(s: string): string[] {
  return [`DROP TABLE IF EXISTS ${s}.es_parked_events`, `DROP TABLE IF EXISTS ${s}.es_checkpoints`];
}
