import type { BenchDatabase } from './bench-database';
import { formatMs } from './markdown-format';
import { runCell, type CellResult } from './store-cell-process';
import type { StoreSectionConfig } from './store-config';
import { seedStoreSection, type StorageResult } from './store-seed';
import { STORE_WORKLOADS, type StoreWorkload } from './store-workloads';

/** One side of the section: the raw baseline, or a store variant with its module options. */
export interface SectionSide {
  name: string;
  options?: Record<string, unknown>;
}

/** The runs of one cell (a workload on one side), in the order they ran. */
export interface CellRuns {
  workload: StoreWorkload;
  side: string;
  runs: CellResult[];
}

/** Everything the store section measured. */
export interface StoreResults {
  config: StoreSectionConfig;
  sides: readonly SectionSide[];
  cells: CellRuns[];
  /** Per workload, the sides in the order their runs went. */
  order: Map<string, string[]>;
  storage: StorageResult;
  durationMs: number;
}

export const RAW_SIDE = 'raw';

/**
 * The store section: seeds a fresh database once (untimed), then runs every cell
 * `config.runs` times, each run in a fresh process, workload after workload. Within a
 * workload the sides take turns run by run, in an order that turns round each time (raw,
 * A, B, then B, A, raw, …), so that every side meets the same moments of a shared machine.
 * A CHECKPOINT before each run leaves none of them flushing the one before.
 */
export async function runStoreSection(
  database: BenchDatabase,
  config: StoreSectionConfig,
  log: (line: string) => void,
): Promise<StoreResults> {
  const begin = process.hrtime.bigint();
  const { params } = config;
  log('Store: migrating and seeding (untimed)…');
  const storage = await seedStoreSection(database.url, params);
  log(
    `Store: ${storage.events} events take ${storage.store.bytesPerEvent.toFixed(0)} bytes each in the store's tables, ` +
      `${storage.raw.bytesPerEvent.toFixed(0)} in the minimal raw table`,
  );
  const sides: SectionSide[] = [{ name: RAW_SIDE }, ...config.variants];
  const cells: CellRuns[] = [];
  const order = new Map<string, string[]>();
  for (const [index, workload] of STORE_WORKLOADS.entries()) {
    const byName = new Map(sides.map((side) => [side.name, { workload, side: side.name, runs: [] as CellResult[] }]));
    const ran: string[] = [];
    for (let run = 0; run < config.runs; run++) {
      for (const side of (index + run) % 2 === 0 ? sides : [...sides].reverse()) {
        if (!(await database.checkpoint())) log('CHECKPOINT not permitted for this user; going on without it.');
        const cellId = `${workload.id}-${side.name}-${run}`.toLowerCase();
        const result = await runCell({ url: database.url, workload: workload.id, cellId, params, ...sideSpec(side) });
        byName.get(side.name)!.runs.push(result);
        ran.push(side.name);
        log(`${workload.id} run ${run + 1}/${config.runs}, ${side.name}: ${summary(result)}`);
      }
    }
    cells.push(...byName.values());
    order.set(workload.id, ran);
  }
  const durationMs = Number(process.hrtime.bigint() - begin) / 1e6;
  return { config, sides, cells, order, storage, durationMs };
}

function sideSpec(side: SectionSide): { side: string; options?: Record<string, unknown> } {
  return side.options === undefined ? { side: side.name } : { side: side.name, options: side.options };
}

function summary(r: CellResult): string {
  const retries = r.retries === undefined ? '' : `, ${r.retries} retries`;
  return `${Math.round(r.eventsPerSecond)} ev/s, p50 ${formatMs(r.p50Ms)} ms, p99 ${formatMs(r.p99Ms)} ms${retries}`;
}
