import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Which server a test runs on: the one at 5432 (or DATABASE_URL), or the embedded one. */
export type TestServer = 'postgres' | 'embedded';

/** A database of its own for one test file, dropped by `drop`. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** The admin URL of a server, as the global setup found it. */
export function serverUrl(server: TestServer): string {
  const url = server === 'embedded' ? process.env.ES_TEST_EMBEDDED_URL : process.env.ES_TEST_POSTGRES_URL;
  if (!url) throw new Error('Test databases are set up by test/support/global-setup.mjs; run the tests with jest.');
  return url;
}

/** Creates an empty database on the server, named for the suite, for one test file. */
export async function createTestDatabase(server: TestServer = 'postgres', label = 'test'): Promise<TestDatabase> {
  const admin = serverUrl(server);
  const name = `es_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await withClient(admin, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * Makes the server refuse connections to the database and kills the open ones, runs
 * `whileDown`, then lets connections in again: a database outage, as the apps see it.
 */
export async function whileRefusingConnections(
  database: TestDatabase,
  whileDown: () => Promise<void>,
  server: TestServer = 'postgres',
): Promise<void> {
  const name = new URL(database.url).pathname.slice(1);
  await withClient(serverUrl(server), async (admin) => {
    try {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      await whileDown();
    } finally {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    }
  });
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
