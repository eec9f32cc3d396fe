import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const script = join(__dirname, 'embedded-server-process.mjs');

/**
 * A PostgreSQL server of a test's own (embedded, in a child process) that the test can
 * stop and start again on the same port and data: a real database restart under a
 * running application, which the shared servers cannot offer.
 */
export class RestartablePostgres {
  private child: ChildProcess | undefined;
  private constructor(
    readonly dataDir: string,
    private port: number | undefined,
    public url = '',
  ) {}

  /** Starts a fresh server in `.data/<name>`. */
  static async create(name: string): Promise<RestartablePostgres> {
    const dataDir = join(root, '.data', name);
    rmSync(dataDir, { recursive: true, force: true });
    const server = new RestartablePostgres(dataDir, undefined);
    await server.start();
    return server;
  }

  /** Starts the server (again, on the port of its first start). */
  async start(): Promise<void> {
    const args = [script, this.dataDir, ...(this.port ? [String(this.port)] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    this.url = await new Promise<string>((resolveUrl, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const ready = /READY (\S+)/.exec(output);
        if (ready) resolveUrl(ready[1]!);
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited (${code}):\n${output}`)));
    });
    this.port = Number(new URL(this.url).port);
  }

  /** Stops the server (a fast shutdown: open connections are cut). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
  }
}
