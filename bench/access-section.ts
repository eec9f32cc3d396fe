import os from 'node:os';
import path from 'node:path';
import {
  ACCESS_CELLS,
  accessParams,
  type AccessCell,
  type AccessCellResult,
  type AccessCellSpec,
} from './access-config';
import type { BenchDatabase } from './bench-database';
import { formatMs, markdownTable } from './markdown-format';
import { median } from './stats';
import { runCellProcess } from './store-cell-process';

// The authorization section: one command (load, decide, save of an aggregate) without a
// permission check, with the route-style check (a read first), and with the handler's
// check, made in the append's own statement. Each cell in a fresh process, the cells
// interleaved round by round; figures are medians with min–max.

const CELL_MAIN = path.resolve(__dirname, 'access-cell.js');

/** Every run of every cell. */
export interface AccessResults {
  runs: Record<AccessCell, AccessCellResult[]>;
  workers: number;
  /** The machine's 1-minute load average when the section started and when it ended. */
  load: [number, number];
}

/** Runs the cells `runs` times, interleaved. */
export async function runAccessSection(
  database: BenchDatabase,
  quick: boolean,
  log: (line: string) => void,
): Promise<AccessResults> {
  const params = accessParams(quick);
  const loadBefore = os.loadavg()[0]!;
  const runs = Object.fromEntries(
    ACCESS_CELLS.map((cell) => [cell, [] as AccessCellResult[]]),
  ) as AccessResults['runs'];
  for (let round = 1; round <= params.runs; round++) {
    for (const cell of ACCESS_CELLS) {
      const spec: AccessCellSpec = { url: database.url, cell, cellId: `${cell}${round}`, params };
      const result = await runCellProcess<AccessCellResult>(CELL_MAIN, spec, `access-${cell}`);
      runs[cell].push(result);
      log(
        `Authorization ${cell}, run ${round}: ${result.perSecond.toFixed(0)} commands/s, p50 ${formatMs(result.p50Ms)}, p99 ${formatMs(result.p99Ms)}`,
      );
    }
  }
  return { runs, workers: params.workers, load: [loadBefore, os.loadavg()[0]!] };
}

const TITLES: Record<AccessCell, string> = {
  unchecked: 'Command, no permission check',
  asserted: 'Command after PermissionChecker.assert (one read)',
  required: 'Command with PermissionChecker.require (checked in the append statement)',
};

/** The section's table, then each checked cell's ratio to the unchecked one, per round. */
export function renderAccessTables(results: AccessResults): string {
  const rows = ACCESS_CELLS.map((cell) => {
    const rates = results.runs[cell].map((r) => r.perSecond);
    return [
      TITLES[cell],
      median(rates).toFixed(0),
      `${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}`,
      formatMs(median(results.runs[cell].map((r) => r.p50Ms))),
      formatMs(median(results.runs[cell].map((r) => r.p99Ms))),
    ];
  });
  const table = markdownTable(['Cell', 'commands/s (median)', 'min–max', 'p50 ms', 'p99 ms'], rows);
  const ratio = (cell: AccessCell): string => {
    const ratios = results.runs[cell].map((r, i) => r.perSecond / results.runs.unchecked[i]!.perSecond);
    return `${median(ratios).toFixed(2)} median (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
  };
  return `${table}\n\nAssert ÷ unchecked, per round: ${ratio('asserted')}; require ÷ unchecked: ${ratio('required')}; target ≥ 0.9.`;
}

/** The section of results.md. */
export function renderAccessSection(results: AccessResults): string {
  const [before, after] = results.load.map((load) => load.toFixed(1));
  return `## Authorization\n\nEach cell in a fresh process, ${results.runs.unchecked.length} runs interleaved; ${results.workers} workers, each on an aggregate of its own, its owner granted \`*\` by the creating event. Load average ${before} at the start, ${after} at the end.\n\n${renderAccessTables(results)}\n`;
}
