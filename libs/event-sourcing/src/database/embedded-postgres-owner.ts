import { existsSync, readFileSync } from 'node:fs';
import { link, mkdir, readFile, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { EmbeddedDatabaseError } from '../errors/embedded-database-error';
import { EmbeddedDatabaseInUseError } from '../errors/embedded-database-in-use-error';

/** The process recorded as the owner of an embedded data folder's server. @internal */
export interface EmbeddedPostgresOwnerRecord {
  pid: number;
  /** Start time of the process in clock ticks since boot (Linux), so that a reused pid is not taken for it. */
  startTime?: string;
  /** For a person reading the file; not compared (a container gets a new hostname on each run). */
  host: string;
  since: string;
}

/** A PostgreSQL server running on a data folder, from its `postmaster.pid`. @internal */
export interface RunningPostmaster {
  pid: number;
  port: number;
}

/** How long a claim may wait for a peer's few-millisecond critical section before it gives up. */
const CLAIM_TIMEOUT_MS = 10_000;
/** A takeover lock older than this was left by a process that died holding it. */
const STALE_LOCK_MS = 5_000;

/**
 * This process's ownership of one embedded data folder: the one process allowed to stop
 * its server. The owner is recorded in `<dataDir>.owner`, beside the folder rather than in
 * it, because initdb wants an empty folder and the claim comes first. A claim creates the
 * file with `link()`, which fails if it exists, so two processes that start at once cannot
 * both own it, and a reader never sees it half written. A record whose process is gone
 * (pid dead, or reused by a process with another start time) is removed and claimed over.
 * @internal
 */
export class EmbeddedPostgresOwnership {
  private constructor(
    private readonly file: string,
    private readonly text: string,
    /** The dead process this claim took over from, if a record of one was there. */
    readonly previous: EmbeddedPostgresOwnerRecord | undefined,
  ) {}

  /**
   * Records this process as the owner of `dataDir`'s server; `urlOf` names a running
   * server's port in the error that refuses the claim.
   * @throws EmbeddedDatabaseInUseError when another live process owns it.
   * @throws EmbeddedDatabaseError when the owner file cannot be written or stays contended.
   */
  static async claim(dataDir: string, urlOf: (port: number) => string): Promise<EmbeddedPostgresOwnership> {
    const file = ownerFile(dataDir);
    const text = `${JSON.stringify(thisProcess())}\n`;
    const staging = `${file}.${process.pid}.tmp`;
    const deadline = Date.now() + CLAIM_TIMEOUT_MS;
    let previous: EmbeddedPostgresOwnerRecord | undefined;
    try {
      await writeFile(staging, text);
      for (;;) {
        try {
          await link(staging, file);
          return new EmbeddedPostgresOwnership(file, text, previous);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const found = await readOwner(file);
        if (found === undefined) continue;
        // A record of this very process belongs to an earlier start it did not release: stale too.
        if (found.owner && isRunning(found.owner) && !isThisProcess(found.owner)) {
          const postmaster = runningPostmaster(dataDir);
          throw new EmbeddedDatabaseInUseError(dataDir, found.owner.pid, postmaster && urlOf(postmaster.port));
        }
        previous = found.owner;
        await removeIfUnchanged(file, found.text, deadline);
        if (Date.now() > deadline) throw new Error(`${file} kept changing for ${CLAIM_TIMEOUT_MS} ms`);
      }
    } catch (error) {
      if (error instanceof EmbeddedDatabaseInUseError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new EmbeddedDatabaseError(
        dataDir,
        `could not record this process as its owner (${reason}). Check that ${file} can be written, then start again.`,
        { cause: error },
      );
    } finally {
      await unlink(staging).catch(() => undefined);
    }
  }

  /** The live process other than this one that the owner file now names, if any (nobody should). */
  async usurper(): Promise<number | undefined> {
    const found = await readOwner(this.file);
    if (!found?.owner || found.text === this.text || !isRunning(found.owner)) return undefined;
    return found.owner.pid;
  }

  /** Removes the owner file, if it still names this process. */
  async release(): Promise<void> {
    const found = await readOwner(this.file);
    if (found?.text === this.text) await unlink(this.file).catch(() => undefined);
  }
}

/** The owner file of a data folder. @internal */
export function ownerFile(dataDir: string): string {
  return `${dataDir}.owner`;
}

/** The pid and port of a live server on `dataDir`, read from its `postmaster.pid`. @internal */
export function runningPostmaster(dataDir: string): RunningPostmaster | undefined {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return undefined;
  return { pid, port };
}

/** True while `pid` is a process (not a zombie). @internal */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStat(pid)?.state !== 'Z';
}

/** True while the process of `owner` runs: its pid is alive and, where known, started when the record says. @internal */
export function isRunning(owner: EmbeddedPostgresOwnerRecord): boolean {
  if (!isAlive(owner.pid)) return false;
  const startTime = procStat(owner.pid)?.startTime;
  return owner.startTime === undefined || startTime === undefined || startTime === owner.startTime;
}

function isThisProcess(owner: EmbeddedPostgresOwnerRecord): boolean {
  return owner.pid === process.pid && owner.startTime === procStat(process.pid)?.startTime;
}

function thisProcess(): EmbeddedPostgresOwnerRecord {
  return {
    pid: process.pid,
    startTime: procStat(process.pid)?.startTime,
    host: hostname(),
    since: new Date().toISOString(),
  };
}

/** State and start time of a process, from `/proc/<pid>/stat` (undefined off Linux). */
function procStat(pid: number): { state: string; startTime: string } | undefined {
  let line: string;
  try {
    line = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  const [state, startTime] = [fields[0], fields[19]];
  return state && startTime ? { state, startTime } : undefined;
}

/** The owner file's text and record (`owner` undefined when unreadable), or undefined if there is none. */
async function readOwner(file: string): Promise<{ text: string; owner?: EmbeddedPostgresOwnerRecord } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const owner = JSON.parse(text) as EmbeddedPostgresOwnerRecord;
    return Number.isInteger(owner.pid) ? { text, owner } : { text };
  } catch {
    return { text };
  }
}

/**
 * Removes a stale owner file, unless it changed since it was read. Reading and removing
 * happen under a lock (a directory, created atomically): without it, a peer could claim
 * the folder between this process's read and its unlink, and lose its claim to it.
 */
async function removeIfUnchanged(file: string, text: string, deadline: number): Promise<void> {
  const lock = `${file}.lock`;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > STALE_LOCK_MS) await rmdir(lock).catch(() => undefined);
    else if (Date.now() > deadline) throw new Error(`${lock} stayed locked for ${CLAIM_TIMEOUT_MS} ms`);
    else await new Promise((resolveWait) => setTimeout(resolveWait, 10));
  }
  try {
    if ((await readOwner(file))?.text === text) await unlink(file);
  } finally {
    await rmdir(lock);
  }
}
