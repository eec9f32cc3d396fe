import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmbeddedDatabaseInUseError } from '../errors/embedded-database-in-use-error';
import { EmbeddedPostgresOwnership, ownerFile, type EmbeddedPostgresOwnerRecord } from './embedded-postgres-owner';

const urlOf = (port: number): string => `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
const built = resolve(__dirname, '../../dist/database/embedded-postgres-owner.js');

/** Start time of a process from /proc (this suite runs on Linux, like the embedded binaries). */
function startTimeOf(pid: number): string {
  const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return line.slice(line.lastIndexOf(')') + 2).split(' ')[19]!;
}

function record(pid: number, startTime?: string): EmbeddedPostgresOwnerRecord {
  return { pid, startTime, host: 'test', since: new Date().toISOString() };
}

/** A process that runs until it is killed. */
function liveProcess(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolveExit) => child.once('exit', resolveExit));
  return child.pid!;
}

/** Runs `count` processes that each claim `dataDir` at once; each says OWNER or REFUSED, then stays alive. */
async function claimFromProcesses(dataDir: string, count: number): Promise<{ answers: string[]; kill(): void }> {
  const script = `
    const { EmbeddedPostgresOwnership } = require(${JSON.stringify(built)});
    EmbeddedPostgresOwnership.claim(process.argv[1], (port) => 'url:' + port).then(
      () => console.log('OWNER'),
      (error) => console.log(error.code === 'ES_EMBEDDED_DATABASE_IN_USE' ? 'REFUSED' : 'FAILED ' + error.message),
    );
    setInterval(() => {}, 1000);`;
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', script, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  const answers = await Promise.all(
    children.map(
      (child) =>
        new Promise<string>((resolveAnswer, reject) => {
          let output = '';
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes('\n')) resolveAnswer(output.trim());
          });
          child.once('exit', (code) => reject(new Error(`claimer exited (${code}) before answering: ${output}`)));
        }),
    ),
  );
  return { answers, kill: () => children.forEach((child) => child.kill('SIGKILL')) };
}

describe('EmbeddedPostgresOwnership: which process may stop an embedded data folder’s server', () => {
  let root: string;
  let dataDir: string;
  const others: ChildProcess[] = [];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'es-owner-'));
    dataDir = join(root, 'db');
  });
  afterEach(() => {
    for (const child of others.splice(0)) child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('records this process, with its start time, beside the data folder, and removes the record on release', async () => {
    const ownership = await EmbeddedPostgresOwnership.claim(dataDir, urlOf);
    const owner = JSON.parse(readFileSync(ownerFile(dataDir), 'utf8')) as EmbeddedPostgresOwnerRecord;
    expect(ownerFile(dataDir)).toBe(`${dataDir}.owner`);
    expect(owner).toMatchObject({ pid: process.pid, startTime: startTimeOf(process.pid) });
    expect(ownership.previous).toBeUndefined();

    await ownership.release();
    expect(existsSync(ownerFile(dataDir))).toBe(false);
  });

  it('refuses while another live process owns the folder, naming the folder, its pid and how to pick another folder', async () => {
    const other = liveProcess();
    others.push(other);
    writeFileSync(ownerFile(dataDir), JSON.stringify(record(other.pid!, startTimeOf(other.pid!))));

    const claim = EmbeddedPostgresOwnership.claim(dataDir, urlOf);
    await expect(claim).rejects.toThrow(EmbeddedDatabaseInUseError);
    await expect(claim).rejects.toMatchObject({
      code: 'ES_EMBEDDED_DATABASE_IN_USE',
      dataDir,
      ownerPid: other.pid,
      url: undefined,
    });
    await expect(claim).rejects.toThrow(/EMBEDDED_PG_DIR/);
    // The live owner's record is left as it was.
    expect(JSON.parse(readFileSync(ownerFile(dataDir), 'utf8'))).toMatchObject({ pid: other.pid });
  });

  it('takes over from an owner whose process is gone, and reports that process', async () => {
    const pid = await deadPid();
    writeFileSync(ownerFile(dataDir), JSON.stringify(record(pid, '1')));

    const ownership = await EmbeddedPostgresOwnership.claim(dataDir, urlOf);
    expect(ownership.previous?.pid).toBe(pid);
    expect(JSON.parse(readFileSync(ownerFile(dataDir), 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('takes over when the recorded pid now belongs to a process that started at another time (pid reuse)', async () => {
    const other = liveProcess();
    others.push(other);
    writeFileSync(ownerFile(dataDir), JSON.stringify(record(other.pid!, '1')));

    const ownership = await EmbeddedPostgresOwnership.claim(dataDir, urlOf);
    expect(ownership.previous?.pid).toBe(other.pid);
  });

  it('takes over an owner file it cannot read', async () => {
    writeFileSync(ownerFile(dataDir), 'not json');
    const ownership = await EmbeddedPostgresOwnership.claim(dataDir, urlOf);
    expect(ownership.previous).toBeUndefined();
    expect(JSON.parse(readFileSync(ownerFile(dataDir), 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('names a live process that replaced its record as a usurper, and then leaves that record in place on release', async () => {
    const ownership = await EmbeddedPostgresOwnership.claim(dataDir, urlOf);
    expect(await ownership.usurper()).toBeUndefined();
    const other = liveProcess();
    others.push(other);
    writeFileSync(ownerFile(dataDir), JSON.stringify(record(other.pid!, startTimeOf(other.pid!))));

    expect(await ownership.usurper()).toBe(other.pid);
    await ownership.release();
    expect(existsSync(ownerFile(dataDir))).toBe(true);
  });

  it.each([
    ['a fresh folder', false],
    ['a folder whose owner died', true],
  ])('lets exactly one of eight processes that claim %s at once own it', async (_name, stale) => {
    if (stale) writeFileSync(ownerFile(dataDir), JSON.stringify(record(await deadPid(), '1')));
    const claimers = await claimFromProcesses(dataDir, 8);
    try {
      expect(claimers.answers.filter((answer) => answer === 'OWNER')).toHaveLength(1);
      expect(claimers.answers.filter((answer) => answer === 'REFUSED')).toHaveLength(7);
    } finally {
      claimers.kill();
    }
  });
});
