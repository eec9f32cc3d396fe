import path from 'node:path';
import type { BenchDatabase } from './bench-database';
import { count, formatMs, markdownTable, ratioOf } from './markdown-format';
import { ProjectionApp } from './projection-app';
import { projectionParams } from './projection-config';
import { seedHistory } from './projection-history';
import type { ReplicaCellSpec } from './replica-cell';
import { median, type WorkloadStats } from './stats';
import { runCellProcess } from './store-cell-process';

// The replica section: what `readReplica` costs when the replica is the same server (a
// second pool, no network between): queryEvents of one stream through the module without
// a replica and with one, each run in a fresh process, interleaved; medians with min–max.

const CELL_MAIN = path.resolve(__dirname, 'replica-cell.js');
const SIDES = ['primary', 'replica'] as const;

/** Every run of both sides. */
export interface ReplicaResults {
  queries: number;
  events: number;
  runs: Record<(typeof SIDES)[number], WorkloadStats[]>;
}

export async function runReplicaSection(
  database: BenchDatabase,
  quick: boolean,
  concurrency: number,
  log: (line: string) => void,
): Promise<ReplicaResults> {
  const p = { ...projectionParams(true), accounts: 100 };
  const control = await ProjectionApp.open(database.url, {
    run: false,
    batchSize: p.batchSize,
    applicationName: 'bench-replica-seed',
  });
  try {
    await seedHistory(control.store, p, concurrency);
    await control.dataSource.query('VACUUM ANALYZE es_events, es_streams');
  } finally {
    await control.close();
  }
  const queries = quick ? 300 : 2_000;
  const rounds = quick ? 2 : 4;
  const runs: ReplicaResults['runs'] = { primary: [], replica: [] };
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? SIDES : [...SIDES].reverse()) {
      const spec: ReplicaCellSpec = {
        url: database.url,
        side,
        cellId: `${side}${round}`,
        accounts: p.accounts,
        queries,
      };
      const stats = await runCellProcess<WorkloadStats>(CELL_MAIN, spec, `replica-${side}${round}`);
      runs[side].push(stats);
      log(
        `Replica ${round + 1}, ${side}: ${stats.eventsPerSecond.toFixed(0)} events/s, p50 ${formatMs(stats.p50Ms)} ms`,
      );
    }
  }
  return { queries, events: p.accounts * p.eventsPerAccount, runs };
}

export function renderReplicaTables(results: ReplicaResults): string {
  const row = (side: (typeof SIDES)[number], label: string): string[] => {
    const runs = results.runs[side];
    const perSecond = runs.map((r) => r.operations / (r.wallMs / 1000));
    return [
      label,
      count(median(perSecond)),
      `${count(Math.min(...perSecond))}–${count(Math.max(...perSecond))}`,
      formatMs(median(runs.map((r) => r.p50Ms))),
      formatMs(median(runs.map((r) => r.p99Ms))),
    ];
  };
  const table = markdownTable(
    ['Side', 'queries/s (median)', 'min–max', 'p50 ms', 'p99 ms'],
    [row('primary', 'No replica: queryEvents on the pool'), row('replica', 'readReplica: a second pool, same server')],
  );
  const rate = (side: (typeof SIDES)[number]): number =>
    median(results.runs[side].map((r) => r.operations / (r.wallMs / 1000)));
  return `${table}\n\nWith ÷ without a replica: ${ratioOf(rate('replica'), rate('primary'))}.`;
}

export function renderReplicaSection(results: ReplicaResults): string {
  return `## Reads on a replica: the routing's cost

\`queryEvents\` of one stream (100 events) over a ${count(results.events)}-event store, ${count(results.queries)} queries one after another per run, each run in a fresh process, the sides interleaved: without \`readReplica\`, and with it pointing at the same database (a second pool; no streaming replica here, so no network and no load taken off anything).

${renderReplicaTables(results)}
`;
}
