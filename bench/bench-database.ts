import { randomBytes } from 'node:crypto';
import { Client, DatabaseError } from 'pg';

const INSUFFICIENT_PRIVILEGE = '42501';

/** A database created for one benchmark run. */
export interface BenchDatabase {
  name: string;
  url: string;
  /** `SHOW server_version` of the server. */
  serverVersion: string;
  /**
   * Runs a server-wide CHECKPOINT, so that flushing what was seeded does not slow what is
   * measured. False when the user may not (it needs superuser or pg_checkpoint).
   */
  checkpoint(): Promise<boolean>;
  /**
   * Drops the database. Closed pools may still be ending their sessions (`pool.end()`
   * resolves before they are gone), so it waits up to `graceMs` for them; then it closes
   * any connection still open by force.
   */
  drop(graceMs?: number): Promise<void>;
}

/** Creates an empty database `es_bench_<random hex>` on the server of `adminUrl`. */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `es_bench_${randomBytes(4).toString('hex')}`;
  const serverVersion = await withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    await client.query(`CREATE DATABASE ${name}`);
    return rows[0]?.server_version ?? 'unknown';
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    serverVersion,
    checkpoint: async () => {
      try {
        await withClient(adminUrl, (client) => client.query('CHECKPOINT'));
        return true;
      } catch (error) {
        if (error instanceof DatabaseError && error.code === INSUFFICIENT_PRIVILEGE) return false;
        throw error;
      }
    },
    drop: async (graceMs = 2_000) => {
      await withClient(adminUrl, async (client) => {
        const deadline = Date.now() + graceMs;
        while (Date.now() < deadline && (await sessionCount(client, name)) > 0) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

async function sessionCount(client: Client, database: string): Promise<number> {
  const { rows } = await client.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1',
    [database],
  );
  return rows[0]?.count ?? 0;
}

/** Runs `work` on a connection of its own to `url`, closed afterwards. */
export async function withClient<T>(
  url: string,
  work: (client: Client) => Promise<T>,
  applicationName = 'bench-admin',
): Promise<T> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  // The error also fails the pending query; without a listener it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
