import { Client } from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { reconcileCorrelationIndex } from './correlation-index';
import { eventStoreMigrations } from './migrations';

// The module's start-up step for `correlationIdIndex`, against other sessions at work on
// es_events: an operator's build in progress, a transaction holding the table.
describe('reconcileCorrelationIndex', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let runner: QueryRunner;
  const others: Client[] = [];

  const session = async (): Promise<Client> => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    others.push(client);
    return client;
  };
  const indexState = async (): Promise<string> => {
    const rows = (await runner.query(
      `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('public.es_events_correlation_idx')`,
    )) as { valid: boolean }[];
    return rows.length === 0 ? 'absent' : rows[0]!.valid ? 'valid' : 'invalid';
  };
  // A transaction that has written to es_events and stays open: it holds the lock a
  // plain CREATE INDEX needs, and a CONCURRENTLY build waits for it.
  const openWriter = async (): Promise<Client> => {
    const writer = await session();
    await writer.query('BEGIN');
    await writer.query(
      `INSERT INTO es_events (event_id, stream_id, version, type, data) VALUES (gen_random_uuid(), 'held-' || gen_random_uuid(), 1, 'held', '{}')`,
    );
    return writer;
  };

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'correlation_index');
    dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: eventStoreMigrations('public') });
    await dataSource.initialize();
    await dataSource.runMigrations();
    runner = dataSource.createQueryRunner();
    await runner.connect();
  });
  afterEach(async () => {
    await Promise.all(others.splice(0).map((client) => client.end()));
    await runner.query('DROP INDEX IF EXISTS es_events_correlation_idx');
  });
  afterAll(async () => {
    await runner?.release();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('builds a wanted index that is missing, keeps one that is there, and reports one that is not wanted', async () => {
    expect(await reconcileCorrelationIndex(runner, 'public', false)).toBe('absent');
    expect(await reconcileCorrelationIndex(runner, 'public', true)).toBe('built');
    expect(await indexState()).toBe('valid');
    expect(await reconcileCorrelationIndex(runner, 'public', true)).toBe('present');
    expect(await reconcileCorrelationIndex(runner, 'public', false)).toBe('unwanted');
  });

  it('leaves alone an index another session is still building CONCURRENTLY', async () => {
    const writer = await openWriter();
    const operator = await session();
    const build = operator.query(
      `CREATE INDEX CONCURRENTLY es_events_correlation_idx ON es_events ((metadata->>'correlationId'))`,
    );
    for (let i = 0; i < 100 && (await indexState()) !== 'invalid'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await indexState()).toBe('invalid');

    expect(await reconcileCorrelationIndex(runner, 'public', true)).toBe('building');
    await writer.query('COMMIT');
    await build;
    expect(await indexState()).toBe('valid');
  });

  it('gives up within its lock timeout when a transaction holds the table, doing nothing', async () => {
    const writer = await openWriter();
    expect(await reconcileCorrelationIndex(runner, 'public', true, 200)).toBe('busy');
    expect(await indexState()).toBe('absent');
    await writer.query('ROLLBACK');
    // The session's own lock timeout is back to none.
    expect(await runner.query('SHOW lock_timeout')).toEqual([{ lock_timeout: '0' }]);
  });
});
