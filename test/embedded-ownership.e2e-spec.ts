import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtApp, runUntilExit, startAppProcess, waitForCondition, type AppProcess } from './support/app-process';

// Two processes on one embedded data folder, or on one port: the second must never take
// the first one's server down, and must say in one line why it does not start.
const main = builtApp('bank');
const root = mkdtempSync(join(tmpdir(), 'es-embedded-ownership-'));
// Reachable by the postgres system user (as root), so the data stays in the folders named here.
chmodSync(root, 0o755);
const dataDir = join(root, 'bank');

/** The pid and port PostgreSQL records in its `postmaster.pid`. */
function postmaster(folder: string): { pid: number; port: number } {
  const lines = readFileSync(join(folder, 'postmaster.pid'), 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function opensAnAccount(app: AppProcess): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${app.port}/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ owner: 'Ada', initialDeposit: 10 }),
  });
  return response.status;
}

const embeddedEnv = (folder: string): NodeJS.ProcessEnv => ({ EMBEDDED_PG_DIR: folder, DATABASE_URL: undefined });
const STACK_FRAME = /^\s+at /m;

describe('two bank apps on one embedded data folder or one port', () => {
  let first: AppProcess | undefined;
  let third: AppProcess | undefined;

  beforeAll(async () => {
    first = await startAppProcess(main, embeddedEnv(dataDir));
  });

  afterAll(async () => {
    await third?.stop('SIGTERM');
    await first?.stop('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses a second app on a folder whose server a live app started, in one line naming folder, pid and EMBEDDED_PG_DIR', async () => {
    const second = await runUntilExit(main, embeddedEnv(dataDir));

    expect(second.signal).toBeNull();
    expect(second.code).not.toBe(0);
    const lines = second.output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('ES_EMBEDDED_DATABASE_IN_USE');
    expect(lines[0]).toContain(dataDir);
    expect(lines[0]).toContain(`process ${first!.child.pid}`);
    expect(lines[0]).toContain('EMBEDDED_PG_DIR');
    expect(second.output).not.toMatch(STACK_FRAME);
  });

  it('leaves the first app and its server running after the refused one is gone', async () => {
    const { pid } = postmaster(dataDir);
    expect(isAlive(pid)).toBe(true);
    expect(await opensAnAccount(first!)).toBe(201);
    const health = await fetch(`http://127.0.0.1:${first!.port}/health`);
    expect(health.status).toBe(200);
  });

  it('prints one line and exits nonzero when the port is in use, after stopping the embedded server it started', async () => {
    const otherDir = join(root, 'other');
    const second = await runUntilExit(main, { ...embeddedEnv(otherDir), PORT: String(first!.port) });

    expect(second.signal).toBeNull();
    expect(second.code).not.toBe(0);
    expect(second.output.trim().split('\n')).toEqual([
      `Port ${first!.port} is in use: stop the process that listens on it, or set PORT to another port.`,
    ]);
    expect(second.output).not.toContain('EADDRINUSE');
    // It started a server of its own on the other folder, and stopped it before exiting.
    expect(existsSync(join(otherDir, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(otherDir, 'postmaster.pid'))).toBe(false);
    // The app already on that port is untouched.
    expect(await opensAnAccount(first!)).toBe(201);
  });

  it('adopts the server of an app killed with SIGKILL, serves on it, and stops it on SIGTERM', async () => {
    const { pid } = postmaster(dataDir);
    await first!.stop('SIGKILL');
    first = undefined;
    expect(isAlive(pid)).toBe(true);

    third = await startAppProcess(main, embeddedEnv(dataDir));
    expect(third.output()).toContain('adopted');
    expect(postmaster(dataDir).pid).toBe(pid);
    expect(await opensAnAccount(third)).toBe(201);

    const adopter = third;
    await adopter.stop('SIGTERM');
    third = undefined;
    await waitForCondition(
      async () => !isAlive(pid),
      15_000,
      () => adopter.output(),
    );
    // The adopter owned the server, stopped it, and gave up the folder.
    expect(existsSync(`${dataDir}.owner`)).toBe(false);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
  });
});
