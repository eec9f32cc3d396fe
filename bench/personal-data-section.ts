import path from 'node:path';
import type { BenchDatabase } from './bench-database';
import {
  PERSONAL_DATA_CELLS,
  personalDataParams,
  type PersonalDataCell,
  type PersonalDataCellResult,
  type PersonalDataCellSpec,
} from './personal-data-config';
import { formatMs, markdownTable } from './markdown-format';
import { median } from './stats';
import { runCellProcess } from './store-cell-process';

// The personal data section: opening accounts whose owner and email are personal data
// (each a new subject: a key drawn and stored with the append) against the same events as
// plain JSON, and forget's latency. Each cell in a fresh process, the cells interleaved
// round by round, so that a slow moment of the machine falls on all of them; figures are
// medians with min–max.

const CELL_MAIN = path.resolve(__dirname, 'personal-data-cell.js');

/** Every run of every cell. */
export interface PersonalDataResults {
  runs: Record<PersonalDataCell, PersonalDataCellResult[]>;
  eventsPerAccount: number;
}

/** Runs the cells `runs` times, interleaved. */
export async function runPersonalDataSection(
  database: BenchDatabase,
  quick: boolean,
  log: (line: string) => void,
): Promise<PersonalDataResults> {
  const params = personalDataParams(quick);
  const runs = Object.fromEntries(
    PERSONAL_DATA_CELLS.map((cell) => [cell, []]),
  ) as unknown as PersonalDataResults['runs'];
  for (let round = 1; round <= params.runs; round++) {
    for (const cell of PERSONAL_DATA_CELLS) {
      const spec: PersonalDataCellSpec = { url: database.url, cell, cellId: `${cell}${round}`, params };
      const result = await runCellProcess<PersonalDataCellResult>(CELL_MAIN, spec, `pd-${cell}`);
      runs[cell].push(result);
      log(
        `Personal data ${cell}, run ${round}: ${result.perSecond.toFixed(0)}/s, p50 ${formatMs(result.p50Ms)}, p99 ${formatMs(result.p99Ms)}`,
      );
    }
  }
  return { runs, eventsPerAccount: params.eventsPerAccount };
}

const TITLES: Record<PersonalDataCell, string> = {
  plain: 'Open an account, owner and email as plain JSON (first append of its stream)',
  personal: 'Open an account, owner and email as personal data (new subject: key stored too)',
  forget: 'forget(subject)',
};

/** The section's table: per cell, operations/s (median, min–max), p50 and p99; then the ratio. */
export function renderPersonalDataTables(results: PersonalDataResults): string {
  const rows = PERSONAL_DATA_CELLS.map((cell) => {
    const runs = results.runs[cell];
    const rates = runs.map((r) => r.perSecond);
    return [
      cell === 'forget' ? `${TITLES[cell]}, accounts of ${results.eventsPerAccount} events` : TITLES[cell],
      median(rates).toFixed(0),
      `${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}`,
      formatMs(median(runs.map((r) => r.p50Ms))),
      formatMs(median(runs.map((r) => r.p99Ms))),
    ];
  });
  const ratios = results.runs.personal.map((c, i) => c.perSecond / results.runs.plain[i]!.perSecond);
  const table = markdownTable(['Cell', 'ops/s (median)', 'ops/s min–max', 'p50 ms', 'p99 ms'], rows);
  return `${table}\n\nPersonal ÷ plain, per round: ${median(ratios).toFixed(2)} median (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}); target ≥ 0.8.`;
}

/** The section of results.md. */
export function renderPersonalDataSection(results: PersonalDataResults): string {
  return `## Personal data\n\nEach cell in a fresh process through the module's defaults, ${results.runs.plain.length} runs interleaved, one append (or forget) after another.\n\n${renderPersonalDataTables(results)}\n`;
}
