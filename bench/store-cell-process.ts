import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseOptionsJson, stringifyOptionsJson } from './options-json';
import type { StoreParams } from './store-config';

/** One measurement: a workload, on one side, in a fresh process. */
export interface CellSpec {
  url: string;
  /** A `StoreWorkload` id, such as `W1`. */
  workload: string;
  /** `raw`, or the name of a store variant. */
  side: string;
  /** The variant's module options (store sides only). */
  options?: Record<string, unknown>;
  /** Names the cell's streams apart from every other cell's. */
  cellId: string;
  params: StoreParams;
}

/** What a cell measured, printed by the cell as one JSON line. */
export interface CellResult {
  events: number;
  operations: number;
  wallMs: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  retries?: number;
}

const CELL_MAIN = path.resolve(__dirname, 'store-cell.js');
/** Lines of a failed cell's output shown with its error. */
const KEPT_LINES = 30;

/** Reads the spec a cell's process was given (its first argument). */
export function readCellSpec(argv: readonly string[]): CellSpec {
  const [json] = argv;
  if (json === undefined) throw new Error('A store cell takes its spec as JSON, as its first argument.');
  return parseOptionsJson(json) as CellSpec;
}

/**
 * Runs `spec` in `node dist/bench/store-cell.js <spec JSON>` and returns what it printed
 * last on stdout; throws, with the end of its output, when it fails.
 */
export function runCell(spec: CellSpec): Promise<CellResult> {
  return runCellProcess<CellResult>(CELL_MAIN, spec, spec.cellId);
}

/**
 * Runs `node <main> <spec JSON>`, a cell of any section in a fresh process, and returns
 * the `result` of the last `{"result":…}` line it printed on stdout; throws, with the end
 * of its output, when it fails.
 */
export async function runCellProcess<R>(main: string, spec: object, cellId: string): Promise<R> {
  const child = spawn(process.execPath, [main, stringifyOptionsJson(spec)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Should the benchmark exit first (a signal, a crash), the cell goes too.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - KEPT_LINES));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => process.off('exit', killOnExit));
  const result = lines.findLast((line) => line.startsWith('{"result":'));
  if (code !== 0 || result === undefined) {
    throw new Error(`Cell ${cellId} exited with ${code}:\n${lines.join('\n')}`);
  }
  return (JSON.parse(result) as { result: R }).result;
}
