/**
 * The ninth migration: the inbox of inbound integration messages (see
 * `nest-event-sourcing/brokers`). One row per consumer and message id, written in the
 * transaction that handles the message: a message delivered again finds its row and has
 * no second effect. A message that failed every try stays as `parked`, with its body
 * and error, until it is retried or dismissed. `s` is the quoted schema name. @internal
 */
export function inboxSchemaSql(s: string): string[] {
  return [
    `CREATE TABLE ${s}.es_inbox (
      consumer    text        NOT NULL,
      message_id  text        NOT NULL,
      status      text        NOT NULL CHECK (status IN ('handled', 'parked', 'dismissed')),
      broker      text        NOT NULL,
      source      text        NOT NULL,
      subject     text        NOT NULL,
      sequence    bigint,
      headers     jsonb,
      body        bytea,
      error       text,
      attempts    integer     NOT NULL DEFAULT 0,
      received_at timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, message_id)
    )`,
    // Listing parked messages reads only them.
    `CREATE INDEX es_inbox_parked_idx ON ${s}.es_inbox (updated_at) WHERE status = 'parked'`,
  ];
}

/** Drops what {@link inboxSchemaSql} creates. @internal */
export function dropInboxSchemaSql(s: string): string[] {
  return [`DROP TABLE IF EXISTS ${s}.es_inbox`];
}
