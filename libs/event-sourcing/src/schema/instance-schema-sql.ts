/**
 * The tenth migration: the instances running subscribers, each heartbeating its row, so
 * that the partitions of a partitioned subscriber are shared among the live ones (each
 * takes at most its fair share) and those of an instance that stopped heartbeating are
 * taken over. `backend_pid` is the PostgreSQL backend of its subscription connection
 * (the session holding its advisory locks), which names the owner of each partition in
 * the status. `s` is the quoted schema name. @internal
 */
export function instanceSchemaSql(s: string): string[] {
  return [
    `CREATE TABLE ${s}.es_instances (
      instance_id  text        PRIMARY KEY,
      backend_pid  integer,
      started_at   timestamptz NOT NULL DEFAULT now(),
      heartbeat_at timestamptz NOT NULL DEFAULT now()
    )`,
  ];
}

/** Drops what {@link instanceSchemaSql} creates. @internal */
export function dropInstanceSchemaSql(s: string): string[] {
  return [`DROP TABLE IF EXISTS ${s}.es_instances`];
}
