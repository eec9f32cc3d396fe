import type { Client } from 'pg';

/** How {@link bulkLoadEvents} shapes the log. */
export interface BulkLog {
  events: number;
  streams: number;
  /** Distinct transaction ids the events are spread over (each burnt for real first). */
  transactions: number;
  /** Stored types and the share of the log each takes; the last takes the rest. */
  types: readonly { type: string; share: number }[];
  /** Each event's tags, as an SQL `text[]` expression of its number `i`; none when absent. */
  tags?: string;
}

/**
 * Fills `es_events` (empty, of the migrated schema `public`) with `log.events` events
 * fast: the table's indexes and keys are dropped, the rows inserted by a few
 * `INSERT … SELECT generate_series` of 100,000 rows each, then the same indexes and keys
 * built again from their definitions. The table is UNLOGGED meanwhile (the database is
 * a test's own; plans do not depend on it), and autovacuum is off for it, so that its
 * column statistics stay absent until the caller's ANALYZE.
 *
 * Transaction ids are real: that many are consumed first (empty transactions in one DO
 * block), then spread over the events in order, a few per transaction, with a little
 * interleaving, as concurrent writers leave them. Each INSERT commits on its own, so no
 * transaction holds the server's horizon (`pg_snapshot_xmin`, cluster-wide: other
 * suites' subscribers wait behind it) for more than a moment.
 */
export async function bulkLoadEvents(client: Client, log: BulkLog): Promise<void> {
  const { rows: keys } = await client.query<{ name: string; def: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = 'public.es_events'::regclass AND contype IN ('p', 'u')`,
  );
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
      WHERE schemaname = 'public' AND tablename = 'es_events'
        AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'public.es_events'::regclass)`,
  );
  await client.query(`ALTER TABLE es_events SET (autovacuum_enabled = false)`);
  for (const key of keys) await client.query(`ALTER TABLE es_events DROP CONSTRAINT ${key.name}`);
  for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
  await client.query('ALTER TABLE es_events SET UNLOGGED');
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET maintenance_work_mem = '256MB'`);

  const first = await currentXid(client);
  await client.query(`DO $$ BEGIN
      FOR i IN 1..${log.transactions} LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP;
    END $$`);
  const last = await currentXid(client);
  const span = last - first;

  let bound = 0;
  const typeCase = log.types
    .slice(0, -1)
    .map(({ type, share }) => {
      bound += Math.round(share * 10_000);
      return `WHEN (i * 7919) % 10000 < ${bound} THEN '${type}'`;
    })
    .join(' ');
  const chunk = 100_000;
  for (let from = 0; from < log.events; from += chunk) {
    const to = Math.min(log.events, from + chunk) - 1;
    // Transaction ids follow positions, a few events each, up to 7 positions out of order.
    await client.query(
      `INSERT INTO es_events (transaction_id, event_id, stream_id, version, type, data, metadata${log.tags ? ', tags' : ''})
       SELECT (${first} + least(${span - 1}, ((i + (i * 7919) % 8) * ${span}) / ${log.events}))::text::xid8,
              lpad(to_hex(i), 32, '0')::uuid,
              'account-' || (i % ${log.streams}),
              i / ${log.streams} + 1,
              CASE ${typeCase} ELSE '${log.types.at(-1)!.type}' END,
              '{"accountId":"account-1234","amount":100}',
              '{"correlationId":"3f2c1a9e-6b1d-4c41-9f5e-2a7d0c9b8e11","causationId":"3f2c1a9e-6b1d-4c41-9f5e-2a7d0c9b8e11"}'
              ${log.tags ? `, ${log.tags}` : ''}
         FROM generate_series(${from}::bigint, ${to}::bigint) AS i`,
    );
  }
  for (const key of keys) await client.query(`ALTER TABLE es_events ADD CONSTRAINT ${key.name} ${key.def}`);
  for (const index of indexes) await client.query(index.def);
}

async function currentXid(client: Client): Promise<number> {
  const { rows } = await client.query<{ xid: string }>(`SELECT pg_current_xact_id()::text AS xid`);
  return Number(rows[0]!.xid);
}
