import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { waitUntil } from './wait-until';

/** Lines of a child's output kept, to show when it fails. */
const KEPT_LINES = 40;
/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * An HTTP app running in a process of its own, on a free port of 127.0.0.1: the load
 * generator (autocannon, in the benchmark's process) then has a core to itself rather than
 * taking turns with the app on one event loop.
 *
 * With `BENCH_HTTP_CPU_PROF=<dir>`, the apps run under `--cpu-prof` and write their
 * profiles to that directory when they stop.
 */
export class HttpAppProcess {
  private exited = false;

  private constructor(
    readonly name: string,
    readonly baseUrl: string,
    private readonly child: ChildProcess,
    private readonly output: string[],
    private readonly killOnExit: () => void,
  ) {
    child.once('exit', () => {
      this.exited = true;
    });
  }

  /**
   * Starts `node <script>` with `env` (plus PORT) and waits until it answers HTTP (any
   * status). Throws, with the end of its output, when it exits or does not answer in time.
   */
  static async start(name: string, script: string, env: Record<string, string>): Promise<HttpAppProcess> {
    const port = await freePort();
    const profileDir = process.env.BENCH_HTTP_CPU_PROF;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const nodeArgs = profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
      : [];
    const child = spawn(process.execPath, [...nodeArgs, script], {
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const keep = (chunk: Buffer): void => {
      output.push(...chunk.toString().split('\n').filter(Boolean));
      output.splice(0, Math.max(0, output.length - KEPT_LINES));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // Should the benchmark exit without stopping it (a signal, a crash), the app goes too.
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const app = new HttpAppProcess(name, `http://127.0.0.1:${port}`, child, output, killOnExit);
    try {
      await waitUntil(`${name} to answer on port ${port}`, () => app.answers(), { timeoutMs: 60_000, intervalMs: 100 });
    } catch (error) {
      await app.stop();
      throw new Error(`${name} did not start: ${String(error)}\n${output.join('\n')}`);
    }
    return app;
  }

  /** Stops the app with SIGTERM (a graceful shutdown), then SIGKILL if it is still there after 10 s. */
  async stop(): Promise<void> {
    process.off('exit', this.killOnExit);
    if (this.exited) return;
    const exit = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    try {
      await exit;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * CPU time the app's process has used so far (user and system, all its threads), in ms,
   * from /proc/<pid>/stat; undefined where there is no /proc.
   */
  cpuMs(): number | undefined {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    } catch {
      return undefined;
    }
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1000;
  }

  /** The last lines the app wrote, for error messages. */
  recentOutput(): string {
    return this.output.join('\n');
  }

  private async answers(): Promise<boolean> {
    if (this.exited) throw new Error(`${this.name} exited (code ${this.child.exitCode}).`);
    try {
      const response = await fetch(this.baseUrl, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      return true;
    } catch {
      return false;
    }
  }
}

/** A TCP port that is free now (the OS picks it), for the app to listen on. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('Could not find a free port.');
  return address.port;
}
