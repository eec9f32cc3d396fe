/**
 * The fourth migration: saga instances, the messages each has handled, their deadlines
 * and the commands they dispatch (an outbox). `s` is the quoted schema name. @internal
 */
export function sagaSchemaSql(s: string): string[] {
  return [
    `CREATE TABLE ${s}.es_sagas (
      saga_id     uuid        PRIMARY KEY,
      saga_type   text        NOT NULL,
      correlation text        NOT NULL,
      state       jsonb       NOT NULL DEFAULT '{}'::jsonb,
      version     integer     NOT NULL DEFAULT 1,
      status      text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'failed')),
      reason      text,
      started_by  uuid        NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now(),
      ended_at    timestamptz,
      CONSTRAINT es_sagas_correlation_key UNIQUE (saga_type, correlation)
    )`,
    // A message (event, deadline, command failure) is handled once per instance.
    `CREATE TABLE ${s}.es_saga_handled (
      saga_id    uuid        NOT NULL REFERENCES ${s}.es_sagas (saga_id) ON DELETE CASCADE,
      message_id uuid        NOT NULL,
      handled_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (saga_id, message_id)
    )`,
    `CREATE TABLE ${s}.es_saga_deadlines (
      saga_id   uuid        NOT NULL REFERENCES ${s}.es_sagas (saga_id) ON DELETE CASCADE,
      name      text        NOT NULL,
      saga_type text        NOT NULL,
      due_at    timestamptz NOT NULL,
      payload   jsonb       NOT NULL DEFAULT '{}'::jsonb,
      PRIMARY KEY (saga_id, name)
    )`,
    `CREATE INDEX es_saga_deadlines_due_idx ON ${s}.es_saga_deadlines (due_at)`,
    // Commands are stored with the step that decided them and dispatched after it commits.
    `CREATE TABLE ${s}.es_saga_commands (
      command_id      uuid        PRIMARY KEY,
      seq             bigint      GENERATED ALWAYS AS IDENTITY,
      saga_id         uuid        NOT NULL REFERENCES ${s}.es_sagas (saga_id) ON DELETE CASCADE,
      saga_type       text        NOT NULL,
      command_type    text        NOT NULL,
      payload         jsonb       NOT NULL,
      correlation_id  text,
      causation_id    text        NOT NULL,
      status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
      attempts        integer     NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      error           text,
      created_at      timestamptz NOT NULL DEFAULT now(),
      done_at         timestamptz
    )`,
    `CREATE INDEX es_saga_commands_pending_idx ON ${s}.es_saga_commands (next_attempt_at, seq) WHERE status = 'pending'`,
    `CREATE INDEX es_saga_commands_saga_idx ON ${s}.es_saga_commands (saga_id)`,
  ];
}

/** Drops what {@link sagaSchemaSql} creates. @internal */
export function dropSagaSchemaSql(s: string): string[] {
  return ['es_saga_commands', 'es_saga_deadlines', 'es_saga_handled', 'es_sagas'].map(
    (table) => `DROP TABLE IF EXISTS ${s}.${table}`,
  );
}
