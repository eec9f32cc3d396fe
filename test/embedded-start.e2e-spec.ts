import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { PostgresEventStore } from '@app/event-sourcing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

// The quick start: the built bank app with no DATABASE_URL runs on an embedded
// PostgreSQL, keeps its data between runs and stops the server on shutdown.
const root = resolve(__dirname, '..');
const dataDir = join(root, '.data', 'test-bank-embedded');
const main = join(root, 'dist', 'apps', 'bank', 'src', 'main.js');

describe('bank app on the embedded PostgreSQL (no DATABASE_URL)', () => {
  let app: ChildProcess | undefined;
  let port: number;
  let output = '';

  const start = async (): Promise<void> => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), EMBEDDED_PG_DIR: dataDir };
    delete env.DATABASE_URL;
    output = '';
    app = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    app.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    app.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok,
      90_000,
      () => output,
    );
  };

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    const child = app!;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill(signal);
    await exited;
    app = undefined;
  };

  const embeddedClient = async (): Promise<Client> => {
    const serverPort = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3];
    const client = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${serverPort}/postgres` });
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build (npm test does).`);
    rmSync(dataDir, { recursive: true, force: true });
    port = await freePort();
  });

  afterAll(async () => {
    if (app) await stop('SIGTERM');
  });

  it('starts, answers /health with the embedded database, and stores events readable as JSON', async () => {
    await start();
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', details: { database: { status: 'up', database: 'embedded' } } });

    // Written through the library, read back with plain SQL, as an operator would in psql.
    const serverPort = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3];
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

  it('stops the embedded server on SIGTERM', async () => {
    await stop('SIGTERM');
    await waitFor(
      async () => !existsSync(join(dataDir, 'postmaster.pid')),
      15_000,
      () => output,
    );
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
    expect(output).toContain('adopted');
    await stop('SIGTERM');
    await waitFor(
      async () => !existsSync(join(dataDir, 'postmaster.pid')),
      15_000,
      () => output,
    );
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out after ${timeoutMs} ms. App output:\n${context()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}
