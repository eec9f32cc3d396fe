import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/** The built entry point of an app (`npm test` builds before jest runs). */
export function builtApp(app: 'bank' | 'todo'): string {
  const main = join(root, 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build (npm test does).`);
  return main;
}

/** A built app running in a child process, with what it printed. */
export interface AppProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  /** Sends a signal and waits for the process to exit. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns a built app on a free port and waits until `/health` answers 200. `env` adds
 * to the test's environment; a key given as undefined is removed from it.
 */
export async function startAppProcess(main: string, env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<AppProcess> {
  const port = await freePort();
  let output = '';
  // A key set to undefined is removed, not inherited.
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env, PORT: String(port) };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete merged[key];
  const child = spawn(process.execPath, [main], {
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const app: AppProcess = {
    child,
    port,
    output: () => output,
    stop: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  await waitForCondition(
    async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok,
    timeoutMs,
    () => output,
  );
  return app;
}

/** Polls `check` (errors count as not yet) until it holds, or fails with `context()`. */
export async function waitForCondition(
  check: () => Promise<boolean>,
  timeoutMs: number,
  context: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out after ${timeoutMs} ms.\n${context()}`);
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** How a process ended, and what it printed. */
export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Both, in the order they came. */
  output: string;
}

/** Options of {@link runUntilExit}. */
export interface RunOptions {
  cwd?: string;
  /** Start from the test's environment (the default), or from `env` alone. */
  inheritEnv?: boolean;
  /** Stop it with SIGTERM after this long (it was expected to end by itself). Default 30 s. */
  timeoutMs?: number;
}

/**
 * Runs a Node script until it exits by itself: a start that must be refused, say. `env`
 * adds to the test's environment (a key given as undefined is removed), or with
 * `inheritEnv: false` is the whole environment.
 */
export function runUntilExit(main: string, env: NodeJS.ProcessEnv, options: RunOptions = {}): Promise<Exited> {
  const { cwd, inheritEnv = true, timeoutMs = 30_000 } = options;
  const merged: NodeJS.ProcessEnv = inheritEnv ? { ...process.env, ...env } : { ...env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete merged[key];
  const child = spawn(process.execPath, [main], { cwd, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  const printed = { stdout: '', stderr: '', output: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    printed.stdout += chunk.toString();
    printed.output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    printed.stderr += chunk.toString();
    printed.output += chunk.toString();
  });
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => {
      printed.output += `\n[test] still running after ${timeoutMs} ms: sent SIGTERM\n`;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolveExit({ code, signal, ...printed });
    });
  });
}
