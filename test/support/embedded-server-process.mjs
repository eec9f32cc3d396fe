// Runs one embedded PostgreSQL in a process of its own, for tests that stop and start a
// server under a running app: `node embedded-server-process.mjs <dataDir> [port]`.
// Prints `READY <url>` once it accepts connections; SIGTERM stops the server, then exits.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { EmbeddedPostgresServer } = require(join(root, 'libs/event-sourcing/dist/database/embedded-postgres-server.js'));

const [dataDir, port] = process.argv.slice(2);
const server = await EmbeddedPostgresServer.start({ dataDir, port: port ? Number(port) : undefined });
process.stdout.write(`READY ${server.url}\n`);
process.once('SIGTERM', () => {
  server.stop().finally(() => process.exit(0));
});
