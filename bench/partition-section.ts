import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { BALANCES_PROJECTION } from './bench-balances.projection';
import type { BenchDatabase } from './bench-database';
import { count, markdownTable, ratioOf } from './markdown-format';
import { ProjectionApp } from './projection-app';
import { historyEvents, projectionParams, type ProjectionParams } from './projection-config';
import { expectFold, seedHistory, type Fold } from './projection-history';
import { stringifyOptionsJson } from './options-json';
import { median } from './stats';
import { waitUntil } from './wait-until';

// The partitions section: catch-up of the bench projection over 100,000 events by one
// process (not partitioned, and in 4 partitions) and by two processes sharing 4
// partitions (2 each). Each run boots fresh processes with the module's defaults, the
// checkpoints made paused beforehand; the clock runs from the resume to every checkpoint
// past the last event, polled from here. The sides interleave round by round; each run
// is checked against the fold.

const RUNNER_MAIN = path.resolve(__dirname, 'partition-runner.js');

/** The sides: processes × partitions. */
export const PARTITION_SIDES = [
  { id: 'one', processes: 1, partitions: 1, label: '1 process, not partitioned' },
  { id: 'one-4', processes: 1, partitions: 4, label: '1 process, 4 partitions' },
  { id: 'two-4', processes: 2, partitions: 4, label: '2 processes, 4 partitions (2 each)' },
] as const;
type SideId = (typeof PARTITION_SIDES)[number]['id'];

/** Every run of every side. */
export interface PartitionResults {
  events: number;
  rounds: number;
  batchSize: number;
  /** Catch-up times per side, in ms, in the order they ran. */
  runs: Record<SideId, number[]>;
  order: string;
}

/** Seeds the history (untimed), then runs each side `rounds` times, interleaved. */
export async function runPartitionSection(
  database: BenchDatabase,
  quick: boolean,
  concurrency: number,
  log: (line: string) => void,
): Promise<PartitionResults> {
  const p: ProjectionParams = projectionParams(quick);
  const rounds = quick ? 1 : 2;
  const control = await ProjectionApp.open(database.url, {
    run: false,
    batchSize: p.batchSize,
    applicationName: 'bench-partition-seed',
  });
  let fold: Fold;
  try {
    log(`Partitions: seeding ${count(historyEvents(p))} events over ${p.accounts} accounts…`);
    fold = await seedHistory(control.store, p, concurrency);
    await control.dataSource.query('VACUUM ANALYZE es_events, es_streams');
  } finally {
    await control.close();
  }
  const pg = new Client({ connectionString: database.url, application_name: 'bench-partition-steer' });
  await pg.connect();
  const dataSource = new DataSource({ type: 'postgres', url: database.url });
  await dataSource.initialize();
  const runs = Object.fromEntries(PARTITION_SIDES.map((s) => [s.id, [] as number[]])) as PartitionResults['runs'];
  const order: string[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // Each round starts from another side, so that no side always runs first.
      const sides = PARTITION_SIDES.map((_, i) => PARTITION_SIDES[(i + round) % PARTITION_SIDES.length]!);
      for (const side of sides) {
        const ms = await catchUp(pg, database, p.batchSize, side);
        await expectFold(dataSource, 'bench_balances', fold);
        runs[side.id].push(ms);
        order.push(side.id);
        log(
          `Partitions ${round + 1}, ${side.label}: ${count(historyEvents(p) / (ms / 1000))} events/s (${ms.toFixed(0)} ms)`,
        );
      }
    }
  } finally {
    await dataSource.destroy();
    await pg.end();
  }
  return { events: historyEvents(p), rounds, batchSize: p.batchSize, runs, order: order.join(', ') };
}

/** One catch-up of one side, from an empty read model and paused checkpoints at the start. */
async function catchUp(
  pg: Client,
  database: BenchDatabase,
  batchSize: number,
  side: (typeof PARTITION_SIDES)[number],
): Promise<number> {
  const keys =
    side.partitions === 1
      ? [BALANCES_PROJECTION]
      : Array.from({ length: side.partitions }, (_, i) => `${BALANCES_PROJECTION}#${i}/${side.partitions}`);
  await pg.query('TRUNCATE bench_balances');
  await pg.query(`DELETE FROM es_checkpoints WHERE subscriber = $1 OR subscriber LIKE $1 || '#%'`, [
    BALANCES_PROJECTION,
  ]);
  await pg.query(`INSERT INTO es_checkpoints (subscriber, status) SELECT unnest($1::text[]), 'paused'`, [keys]);
  await pg.query('VACUUM ANALYZE bench_balances');
  await database.checkpoint();
  const names = Array.from({ length: side.processes }, (_, i) => `bench-part-${i}`);
  const children = await Promise.all(
    names.map((name) =>
      startRunner({ url: database.url, batchSize, partitions: side.partitions, applicationName: name }),
    ),
  );
  try {
    const share = side.partitions / side.processes;
    await waitUntil('the processes to hold their shares of the partitions', async () => {
      const held = await locksByApplication(pg);
      return names.every((name) => held.get(`${name}:subscriptions`) === share);
    });
    const begin = process.hrtime.bigint();
    children[0]!.send('resume');
    await waitUntil(
      'every checkpoint past the last event',
      async () => {
        const { rows } = await pg.query<{ done: boolean }>(
          `SELECT bool_and((c.transaction_id, c.position) >= (e.transaction_id, e.position)) AS done
             FROM es_checkpoints c,
                  (SELECT transaction_id, position FROM es_events ORDER BY transaction_id DESC, position DESC LIMIT 1) e
            WHERE c.subscriber = ANY($1::text[]) AND c.status = 'active'`,
          [keys],
        );
        return rows[0]?.done === true;
      },
      { timeoutMs: 10 * 60_000, intervalMs: 5 },
    );
    return Number(process.hrtime.bigint() - begin) / 1e6;
  } finally {
    await Promise.all(children.map(stopRunner));
  }
}

async function locksByApplication(pg: Client): Promise<Map<string, number>> {
  const { rows } = await pg.query<{ application_name: string; n: number }>(
    `SELECT a.application_name, count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()
        AND a.application_name LIKE 'bench-part-%' GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.application_name, r.n]));
}

function startRunner(spec: object): Promise<ChildProcess> {
  const child = fork(RUNNER_MAIN, [stringifyOptionsJson(spec)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`A partition runner exited with ${code} before it was ready.`)));
    child.once('message', (message) =>
      message === 'ready' ? resolve(child) : reject(new Error(JSON.stringify(message))),
    );
  });
}

function stopRunner(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send('stop');
  });
}

/** The section's table, and the ratios of the two processes to the one. */
export function renderPartitionTables(results: PartitionResults): string {
  const rate = (ms: number): number => results.events / (ms / 1000);
  const rows = PARTITION_SIDES.map((side) => {
    const rates = results.runs[side.id].map(rate);
    return [side.label, count(median(rates)), `${count(Math.min(...rates))}–${count(Math.max(...rates))}`];
  });
  const med = (id: SideId): number => median(results.runs[id].map(rate));
  const table = markdownTable(['Side', 'events/s (median)', 'min–max'], rows);
  return `${table}\n\n2 processes ÷ 1 process, both in 4 partitions: **${ratioOf(med('two-4'), med('one-4'))}**; 1 process in 4 partitions ÷ not partitioned: ${ratioOf(med('one-4'), med('one'))}.`;
}

/** The section of results.md. */
export function renderPartitionSection(results: PartitionResults): string {
  return `## Partitioned catch-up

Catch-up of the bench projection (as in [Projections](#projections)) over ${count(results.events)} events, from an empty read model: one process, not partitioned and in 4 partitions, against two processes sharing 4 partitions (2 each, by the fair share). Fresh processes each run, the module's defaults (pages of ${results.batchSize}); timed from the resume to every checkpoint past the last event; ${results.rounds} runs per side, the sides rotated round by round (${results.order}); each run checked against the fold.

${renderPartitionTables(results)}
`;
}
