import path from 'node:path';
import type { BenchDatabase } from './bench-database';
import { DCB_CELLS, dcbParams, type DcbCell, type DcbCellResult, type DcbCellSpec } from './dcb-config';
import { count, formatMs, markdownTable } from './markdown-format';
import { median } from './stats';
import { runCellProcess } from './store-cell-process';

// The decisions (DCB) section: a conditional single-event append against a plain one,
// a 2-tag readMatching over the seeded events, and writers contending on one condition.
// Each cell runs in a fresh process, the cells interleaved round by round, so that a
// slow moment of the machine falls on all of them; figures are medians with min–max.

const CELL_MAIN = path.resolve(__dirname, 'dcb-cell.js');

/** Every run of every cell. */
export interface DcbResults {
  runs: Record<DcbCell, DcbCellResult[]>;
  seededEvents: number;
  writers: number;
  seedMs: number;
}

/** Seeds the database (untimed in the figures), then runs the cells `runs` times, interleaved. */
export async function runDcbSection(
  database: BenchDatabase,
  quick: boolean,
  log: (line: string) => void,
): Promise<DcbResults> {
  const params = dcbParams(quick);
  const spec = (cell: DcbCellSpec['cell'], cellId: string): DcbCellSpec => ({
    url: database.url,
    cell,
    cellId,
    params,
  });
  const seedStarted = Date.now();
  await runCellProcess(CELL_MAIN, spec('seed', 'seed'), 'dcb-seed');
  const seedMs = Date.now() - seedStarted;
  log(`Decisions: seeded ${count(params.seededEvents)} tagged events in ${(seedMs / 1000).toFixed(1)} s`);
  await database.checkpoint();
  const runs = Object.fromEntries(DCB_CELLS.map((cell) => [cell, [] as DcbCellResult[]])) as DcbResults['runs'];
  for (let round = 1; round <= params.runs; round++) {
    for (const cell of DCB_CELLS) {
      const result = await runCellProcess<DcbCellResult>(CELL_MAIN, spec(cell, `${cell}${round}`), `dcb-${cell}`);
      runs[cell].push(result);
      log(
        `Decisions ${cell}, run ${round}: ${result.perSecond.toFixed(0)}/s, p50 ${formatMs(result.p50Ms)}, p99 ${formatMs(result.p99Ms)}`,
      );
    }
  }
  return { runs, seededEvents: params.seededEvents, writers: params.writers, seedMs };
}

const TITLES: Record<DcbCell, string> = {
  plain: 'Plain single-event append (untagged, after a version)',
  conditional: 'Conditional single-event append (tagged, condition on its tag)',
  read: 'readMatching, 2 tags',
  contended: 'Writers contending on one condition (read, append, again on conflict)',
};

/** The section's table: per cell, operations/s (median, min–max), p50 and p99; then the ratio. */
export function renderDcbTables(results: DcbResults): string {
  const rows = DCB_CELLS.map((cell) => {
    const runs = results.runs[cell];
    const rates = runs.map((r) => r.perSecond);
    const retries = runs.map((r) => r.retries).filter((r) => r !== undefined);
    return [
      cell === 'read'
        ? `${TITLES[cell]}, over ${count(results.seededEvents)} events`
        : cell === 'contended'
          ? `${TITLES[cell]}, ${results.writers} writers`
          : TITLES[cell],
      median(rates).toFixed(0),
      `${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}`,
      formatMs(median(runs.map((r) => r.p50Ms))),
      formatMs(median(runs.map((r) => r.p99Ms))),
      retries.length ? median(retries).toFixed(0) : '',
    ];
  });
  const ratios = results.runs.conditional.map((c, i) => c.perSecond / results.runs.plain[i]!.perSecond);
  const table = markdownTable(['Cell', 'ops/s (median)', 'ops/s min–max', 'p50 ms', 'p99 ms', 'Retries'], rows);
  return `${table}\n\nConditional ÷ plain, per round: ${median(ratios).toFixed(2)} median (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}); target ≥ 0.8. Target for readMatching: p50 under 2 ms.`;
}

/** The section of results.md. */
export function renderDcbSection(results: DcbResults): string {
  return `## Decisions (DCB)\n\nEach cell in a fresh process, ${results.runs.plain.length} runs interleaved; the read cell over ${count(results.seededEvents)} seeded events, each with two tags (a list's, 20 events a list, and an owner's), one event matching both tags asked.\n\n${renderDcbTables(results)}\n`;
}
