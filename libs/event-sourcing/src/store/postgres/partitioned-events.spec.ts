import { Test, type TestingModule } from '@nestjs/testing';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database';
import { ConcurrencyError } from '../../errors/concurrency-error';
import { EventSourcingModule } from '../../event-sourcing.module';
import { DomainEvent } from '../../events/domain-event.decorator';
import { EventStore } from '../event-store';
import { pollUntil } from '../../subscriptions/wait-for-cursor';
import { buildReadStatements } from './read-statements';

// "Past one database", tested by simulation (docs/scaling.md): es_events of a scratch
// schema is swapped for a copy hash-partitioned by stream id, as a distributed PostgreSQL
// (Citus) would shard it. The store's own appends, stream reads, global reads and
// queries run on it unchanged; a stream read touches one partition (pruned); the global
// order is a merge of every partition's index. What gives: a unique key must contain the
// partition key, so event ids are unique per stream only (a global es_event_ids table, or
// trust in UUIDs, would take over).

@DomainEvent('sim.counted')
class Counted {
  constructor(readonly n: number) {}
}

const SCHEMA = 'sim';
const COLUMNS = `position, transaction_id, event_id, stream_id, version, type, revision, data, metadata, created_at, tags`;

/** es_events of `SCHEMA`, replaced by a copy in 4 hash partitions by stream id, rows kept. */
async function partitionEvents(client: Client): Promise<void> {
  await client.query(`
    ALTER TABLE sim.es_events RENAME TO es_events_plain;
    ALTER TABLE sim.es_events_plain RENAME CONSTRAINT es_events_stream_version_key TO plain_stream_version_key;
    ALTER TABLE sim.es_events_plain RENAME CONSTRAINT es_events_event_id_key TO plain_event_id_key;
    ALTER INDEX sim.es_events_global_idx RENAME TO plain_global_idx;
    ALTER INDEX sim.es_events_type_idx RENAME TO plain_type_idx;
    ALTER INDEX sim.es_events_tags_idx RENAME TO plain_tags_idx;
    -- The store's columns, defaults and checks as its migrations made them (not its
    -- identity: positions come from its sequence below), keys that contain stream_id.
    CREATE TABLE sim.es_events (
      LIKE sim.es_events_plain INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
      PRIMARY KEY (stream_id, position),
      CONSTRAINT es_events_stream_version_key UNIQUE (stream_id, version),
      CONSTRAINT es_events_event_id_key UNIQUE (stream_id, event_id)
    ) PARTITION BY HASH (stream_id);
    CREATE TABLE sim.es_events_p0 PARTITION OF sim.es_events FOR VALUES WITH (MODULUS 4, REMAINDER 0);
    CREATE TABLE sim.es_events_p1 PARTITION OF sim.es_events FOR VALUES WITH (MODULUS 4, REMAINDER 1);
    CREATE TABLE sim.es_events_p2 PARTITION OF sim.es_events FOR VALUES WITH (MODULUS 4, REMAINDER 2);
    CREATE TABLE sim.es_events_p3 PARTITION OF sim.es_events FOR VALUES WITH (MODULUS 4, REMAINDER 3);
    CREATE INDEX es_events_global_idx ON sim.es_events (transaction_id, position);
    CREATE INDEX es_events_type_idx ON sim.es_events (type, position);
    CREATE INDEX es_events_tags_idx ON sim.es_events USING gin (tags) WHERE tags <> '{}';
    INSERT INTO sim.es_events (${COLUMNS}) SELECT ${COLUMNS} FROM sim.es_events_plain;
  `);
  // Positions keep coming from the old identity's sequence: one global counter.
  const { rows } = await client.query<{ seq: string }>(
    `SELECT pg_get_serial_sequence('sim.es_events_plain', 'position') AS seq`,
  );
  await client.query(`ALTER TABLE sim.es_events ALTER COLUMN position SET DEFAULT nextval('${rows[0]!.seq}')`);
  // Nothing reads the old table any more.
  await client.query('TRUNCATE sim.es_events_plain');
  await client.query('ANALYZE sim.es_events');
}

describe('es_events partitioned by stream id (a simulation of sharding)', () => {
  let database: TestDatabase;
  let client: Client;
  let app: TestingModule | undefined;

  const start = async (): Promise<EventStore> => {
    app = await Test.createTestingModule({
      imports: [
        EventSourcingModule.forRoot({ database: database.url, schema: SCHEMA }),
        EventSourcingModule.forFeature({ events: [Counted] }),
      ],
    }).compile();
    await app.init();
    return app.get(EventStore);
  };
  const counted = (n: number) => ({ type: 'sim.counted', data: { n } });

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'sharding_sim');
    client = new Client({ connectionString: database.url });
    await client.connect();
    const store = await start();
    for (let s = 0; s < 8; s++) await store.append(`counter-${s}`, [counted(1), counted(2)]);
    await app!.close();
    await partitionEvents(client);
  });

  afterAll(async () => {
    await app?.close();
    await client.end();
    await database.drop();
  });

  it('appends, guards versions and reads streams, the global order and queries on the partitioned table', async () => {
    const store = await start();
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM ONLY sim.es_events');
    expect(rows[0]!.n).toBe('0'); // the parent holds nothing: every row is in a partition

    for (let s = 0; s < 8; s++) await store.append(`counter-${s}`, [counted(3)], { expectedVersion: 2 });
    await expect(store.append('counter-0', [counted(9)], { expectedVersion: 2 })).rejects.toThrow(ConcurrencyError);
    const [retried] = await store.readStream('counter-1', { fromVersion: 3 });
    // A retry of an append that committed (same event id, same expected version) writes nothing again.
    await store.append('counter-1', [{ ...counted(3), eventId: retried!.eventId }], { expectedVersion: 2 });

    expect((await store.readStream('counter-1')).map((e) => [e.version, (e.data as Counted).n])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    // A transaction open elsewhere on the shared server hides new events from readAll for a while.
    let all = await store.readAll({ limit: 100 });
    await pollUntil(Date.now() + 30_000, async () => (all = await store.readAll({ limit: 100 })).events.length === 24);
    expect(all.events).toHaveLength(24);
    const order = all.events.map((e) => [e.transactionId, e.position] as const);
    const sorted = [...order].sort((a, b) => (a[0] === b[0] ? Number(a[1] - b[1]) : a[0] < b[0] ? -1 : 1));
    expect(order).toEqual(sorted);
    expect(await store.queryEvents({ types: ['sim.counted'], limit: null })).toHaveLength(24);
    const partitions = await client.query<{ part: string; n: string }>(
      `SELECT tableoid::regclass::text AS part, count(*) AS n FROM sim.es_events GROUP BY 1 ORDER BY 1`,
    );
    expect(partitions.rows.length).toBeGreaterThan(1);
  });

  it("prunes a stream read to one partition, and merges every partition's index for the global order", async () => {
    // A store of some size, so that the planner walks indexes rather than sorting a few rows.
    await client.query(
      `INSERT INTO sim.es_events (event_id, stream_id, version, type, data)
       SELECT gen_random_uuid(), 'bulk-' || (i % 500), 1000 + i / 500, 'sim.counted', '{"n": 1}'
         FROM generate_series(1, 50000) AS i`,
    );
    await client.query('ANALYZE sim.es_events');
    const sql = buildReadStatements('"sim"');
    const explain = async (text: string, params: unknown[]): Promise<string> => {
      // Literal values, so that the planner prunes at plan time, as a custom plan does.
      let literal = text;
      params.forEach((value, i) => (literal = literal.replaceAll(`$${i + 1}`, `'${String(value)}'`)));
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${literal}`);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    const stream = await explain(sql.readStream.text, ['counter-3', 1, 1000, 500]);
    expect(new Set(stream.match(/es_events_p\d\b/g)).size).toBe(1);
    const global = await explain(sql.readAll.text, ['0', '0', 500]);
    expect(new Set(global.match(/es_events_p\d\b/g))).toEqual(
      new Set(['es_events_p0', 'es_events_p1', 'es_events_p2', 'es_events_p3']),
    );
    expect(global).toMatch(/Merge Append/);
  });
});
