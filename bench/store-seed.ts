import type { Client } from 'pg';
import { withClient } from './bench-database';
import { benchEvents } from './bench-event';
import { depositTotalStream } from './deposit-total';
import type { StoreParams } from './store-config';
import { StoreAppSide } from './store-app-side';
import { GLOBAL_SEED_PREFIX, REHYDRATED_TOTAL } from './store-workloads';

/** The seed's connections, as pg_stat_activity names them. */
const SEED_CLIENT = 'bench-seed';

/** One relation's share of the bytes on disk. */
export interface RelationSize {
  name: string;
  bytes: number;
}

/** Bytes on disk of one schema holding the seeded events. */
export interface SchemaSize {
  /** Tables (with their TOAST and maps) and indexes, one by one. */
  relations: RelationSize[];
  bytes: number;
  bytesPerEvent: number;
}

/** What the seeding measured: the store's tables and the minimal raw table, same events. */
export interface StorageResult {
  events: number;
  store: SchemaSize;
  raw: SchemaSize;
}

/** Bytes per event on disk that the store's schema must stay within. */
export const STORAGE_TARGET = 300;

const RAW_SCHEMA = 'bench_raw';

/**
 * The least a plain-SQL event table needs for what the raw side does: a global position,
 * unique event ids, unique versions per stream, and the transaction id with its index for
 * the gap-safe global order. No stream rows, no revision, no type or time index.
 */
export const MINIMAL_RAW_SCHEMA = [
  `CREATE TABLE ${RAW_SCHEMA}.events (
  position       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
  event_id       uuid        NOT NULL UNIQUE,
  stream_id      text        NOT NULL,
  version        bigint      NOT NULL,
  type           text        NOT NULL,
  data           jsonb       NOT NULL,
  metadata       jsonb       NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, version)
)`,
  `CREATE INDEX events_global_idx ON ${RAW_SCHEMA}.events (transaction_id, position)`,
];

/**
 * Prepares a fresh database, untimed and once: boots the module (which migrates it),
 * appends workload 6's streams (the store's first events), measures the bytes they take
 * in the store's tables and, copied in the same order, in {@link MINIMAL_RAW_SCHEMA}; then
 * appends workload 4's stream and updates the planner's statistics.
 */
export async function seedStoreSection(url: string, p: StoreParams): Promise<StorageResult> {
  const store = await StoreAppSide.open(url, p.poolSize, {});
  try {
    for (let n = 0; n < p.globalStreams; n++) {
      await store.append(`${GLOBAL_SEED_PREFIX}${n}`, 0, benchEvents(p.globalEventsPerStream));
    }
    const storage = await withClient(url, measureStorage, SEED_CLIENT);
    for (let version = 0; version < p.rehydrateEvents; version += p.seedBatchSize) {
      const events = benchEvents(Math.min(p.seedBatchSize, p.rehydrateEvents - version));
      await store.append(depositTotalStream(REHYDRATED_TOTAL), version, events);
    }
    await withClient(url, (client) => client.query('VACUUM ANALYZE es_events, es_streams'), SEED_CLIENT);
    return storage;
  } finally {
    await store.close();
  }
}

async function measureStorage(client: Client): Promise<StorageResult> {
  await client.query('VACUUM ANALYZE es_events, es_streams');
  const { rows } = await client.query<{ events: number }>('SELECT count(*)::int AS events FROM es_events');
  const events = rows[0]!.events;
  const store = await schemaSize(client, 'public', ['es_events', 'es_streams'], events);
  await client.query(`CREATE SCHEMA ${RAW_SCHEMA}`);
  try {
    for (const statement of MINIMAL_RAW_SCHEMA) await client.query(statement);
    await client.query(`INSERT INTO ${RAW_SCHEMA}.events (event_id, stream_id, version, type, data, metadata)
      SELECT event_id, stream_id, version, type, data, metadata FROM es_events ORDER BY position`);
    await client.query(`VACUUM ANALYZE ${RAW_SCHEMA}.events`);
    const raw = await schemaSize(client, RAW_SCHEMA, ['events'], events);
    return { events, store, raw };
  } finally {
    await client.query(`DROP SCHEMA ${RAW_SCHEMA} CASCADE`);
  }
}

/** `pg_total_relation_size` of `tables`, and each table's and index's share. */
async function schemaSize(client: Client, schema: string, tables: string[], events: number): Promise<SchemaSize> {
  const { rows } = await client.query<{ name: string; bytes: string }>(
    `SELECT c.relname AS name, pg_table_size(c.oid)::text AS bytes FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = ANY($2)
     UNION ALL
     SELECT i.relname, pg_relation_size(i.oid)::text FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = $1 AND t.relname = ANY($2)`,
    [schema, tables],
  );
  const { rows: totals } = await client.query<{ bytes: string }>(
    'SELECT sum(pg_total_relation_size(format($3, $1::text, t)::regclass))::text AS bytes FROM unnest($2::text[]) t',
    [schema, tables, '%I.%I'],
  );
  const bytes = Number(totals[0]!.bytes);
  const relations = rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
  return { relations, bytes, bytesPerEvent: bytes / events };
}
