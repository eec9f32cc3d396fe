import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runAggregateBenchmarks } from './aggregate-benchmark';
import { renderAggregateSection, renderAggregateTables } from './aggregate-report';
import { loadBenchConfig, type BenchConfig, type BenchParams } from './bench-config';
import { createBenchDatabase, type BenchDatabase } from './bench-database';
import type { BenchTarget } from './bench-target';
import { runHttpBenchmarks } from './http-benchmark';
import { renderHttpSection, renderHttpTables } from './http-report';
import { runProjectionBenchmarks } from './projection-benchmark';
import { renderProjectionSection, renderProjectionTables } from './projection-report';
import { RawPgStore } from './raw-pg-store';
import { renderResultsFile, renderTable, type WorkloadResult } from './report';
import { OperationTimer, type WorkloadStats } from './stats';
import { StoreTarget } from './store-target';
import { isPaired, seedReadWorkloads, warmUp, WORKLOADS, type Workload } from './workloads';

// `npm run bench [-- --quick]`: the event store against a raw `pg` baseline, then the
// aggregates (loads with and without snapshots, command throughput), in a database of its
// own; then the projections (catch-up against a hand-written loop, append-to-read-model
// latency), in a second one; last deposits over HTTP, the bank app against a CRUD
// baseline, in a third and a fourth. All are dropped at the end, also when the run fails.
// `--only=store,http` runs some sections; only a full run of all writes bench/results.md.

const RESULTS_FILE = path.resolve(__dirname, '../../bench/results.md');

async function main(): Promise<void> {
  const config = loadBenchConfig(process.argv.slice(2), process.env);
  const date = new Date();
  const startedAt = process.hrtime.bigint();
  const databases = await createDatabases(config.adminUrl, 4);
  const [database, projectionDatabase, bankDatabase, crudDatabase] = databases as [
    BenchDatabase,
    BenchDatabase,
    BenchDatabase,
    BenchDatabase,
  ];
  log(
    `Databases ${databases.map((d) => d.name).join(', ')} on PostgreSQL ${database.serverVersion}${config.quick ? ' (quick mode)' : ''}`,
  );
  const stopOnSignal = dropOnSignal(databases);
  try {
    const only = config.sections;
    const results = only.has('store')
      ? await withTargets(database.url, config, (store, raw) => runAll(store, raw, config, database))
      : [];
    if (only.has('store')) log(`\n${renderTable(results)}\n`);
    const aggregates = only.has('aggregates') ? await runAggregateBenchmarks(database, config, log) : undefined;
    if (aggregates) log(`\n${renderAggregateTables(aggregates)}\n`);
    const projections = only.has('projections')
      ? await runProjectionBenchmarks(projectionDatabase, config, log)
      : undefined;
    if (projections) log(`\n${renderProjectionTables(projections)}\n`);
    const http = only.has('http')
      ? await runHttpBenchmarks({ bank: bankDatabase, crud: crudDatabase }, config.quick, log)
      : undefined;
    if (http) log(`\n${renderHttpTables(http)}\n`);
    const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
    log(`Whole run: ${(durationMs / 1000).toFixed(1)} s`);
    if (config.quick || !aggregates || !projections || !http || results.length === 0) {
      log('Quick or partial run: bench/results.md left as it is.');
      return;
    }
    const cpus = os.cpus();
    const context = {
      date,
      quick: config.quick,
      nodeVersion: process.version,
      postgresVersion: database.serverVersion,
      cores: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
      totalMemoryBytes: os.totalmem(),
      poolSize: config.poolSize,
      durationMs,
      params: config.params,
    };
    const aggregateSection = renderAggregateSection(aggregates, config.params.concurrency, config.params.rounds);
    await writeFile(
      RESULTS_FILE,
      renderResultsFile(context, results, [
        aggregateSection,
        renderProjectionSection(projections),
        renderHttpSection(http),
      ]),
    );
    log(`Wrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
  } finally {
    stopOnSignal();
    for (const d of databases) {
      await d.drop();
      log(`Dropped ${d.name}`);
    }
  }
}

/** Creates `n` databases, dropping those already made when one fails. */
async function createDatabases(adminUrl: string, n: number): Promise<BenchDatabase[]> {
  const databases: BenchDatabase[] = [];
  try {
    while (databases.length < n) databases.push(await createBenchDatabase(adminUrl));
  } catch (error) {
    for (const d of databases) await d.drop();
    throw error;
  }
  return databases;
}

/**
 * On Ctrl-C or SIGTERM, drops the databases (closing the run's connections by force) and
 * exits with 130 rather than leaving them behind. Returns a function removing the handlers.
 */
function dropOnSignal(databases: readonly BenchDatabase[]): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    log(`${signal}: dropping ${databases.map((d) => d.name).join(', ')} and stopping.`);
    const drops = databases.map((d) =>
      d.drop(0).catch((error: unknown) => console.error(`Could not drop ${d.name}:`, error)),
    );
    void Promise.all(drops).finally(() => process.exit(130));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Opens both sides on `url`, runs `work`, and closes both whatever happens. */
async function withTargets<T>(
  url: string,
  config: BenchConfig,
  work: (store: BenchTarget, raw: BenchTarget) => Promise<T>,
): Promise<T> {
  const store = await StoreTarget.open(url, config.poolSize);
  try {
    const raw = await RawPgStore.open(url, config.poolSize);
    try {
      return await work(store, raw);
    } finally {
      await raw.close();
    }
  } finally {
    await store.close();
  }
}

async function runAll(
  store: BenchTarget,
  raw: BenchTarget,
  config: BenchConfig,
  database: BenchDatabase,
): Promise<WorkloadResult[]> {
  for (const target of [store, raw]) {
    log(`Seeding and warming up ${target.name}…`);
    await seedReadWorkloads(target, config.params);
    await warmUp(target, config.params);
  }
  if (!(await database.checkpoint())) log('CHECKPOINT not permitted for this user; going on without it.');
  const results: WorkloadResult[] = [];
  for (const [index, workload] of WORKLOADS.entries()) {
    const result = await runWorkload(workload, index % 2 === 0 ? [store, raw] : [raw, store], config.params);
    log(`${workload.title}: ${summary(store.name, result.store)}; ${summary(raw.name, result.raw)}`);
    results.push(result);
  }
  return results;
}

/**
 * Runs a workload `storeRounds` times per side in ABBA order (A = `sides[0]`; the caller swaps
 * A and B from one workload to the next), so that neither side always meets a warmer or a
 * busier server. Within a round, the sides of a paired workload take turns block by block
 * instead (see `Workload`). Each side's figures cover all its rounds.
 */
async function runWorkload(
  workload: Workload,
  sides: readonly [BenchTarget, BenchTarget],
  params: BenchParams,
): Promise<WorkloadResult> {
  const turns = (index: number): readonly BenchTarget[] => (index % 2 === 0 ? sides : [...sides].reverse());
  const tally = new Map(sides.map((target) => [target.name, { timer: new OperationTimer(), events: 0, retries: 0 }]));
  const side = (target: BenchTarget) => tally.get(target.name)!;
  for (let round = 0; round < params.storeRounds; round++) {
    if (isPaired(workload)) {
      const { count, eventsEach, block } = workload.operations(params);
      for (let first = 0; first < count; first += block) {
        for (const target of turns(round + first / block)) {
          const { timer } = side(target);
          for (let index = first; index < Math.min(first + block, count); index++) {
            const run = workload.operation(target, params, round, index);
            timer.start();
            await timer.time(run);
            timer.stop();
          }
        }
      }
      for (const target of sides) side(target).events += count * eventsEach;
    } else {
      for (const target of turns(round)) {
        const { timer } = side(target);
        timer.start();
        const outcome = await workload.run(target, timer, params, round);
        timer.stop();
        side(target).events += outcome.events;
        side(target).retries += outcome.retries ?? 0;
      }
    }
    for (const target of turns(round)) await workload.check?.(target, params, round);
  }
  const store = tally.get('store')!;
  const raw = tally.get('raw')!;
  const [first, second] = sides.map((target) => target.name);
  return {
    workload,
    store: store.timer.stats(store.events),
    raw: raw.timer.stats(raw.events),
    storeRetries: workload.countsRetries ? store.retries : undefined,
    rawRetries: workload.countsRetries ? raw.retries : undefined,
    order: isPaired(workload)
      ? `paired in blocks of ${workload.operations(params).block}: ${first} ${second}, ${second} ${first}, … (from ${second} in odd rounds)`
      : Array.from({ length: params.storeRounds }, (_, round) => turns(round).map((target) => target.name))
          .flat()
          .join(', '),
  };
}

function summary(name: string, stats: WorkloadStats): string {
  return `${name} ${Math.round(stats.eventsPerSecond)} ev/s, p50 ${stats.p50Ms.toFixed(2)} ms, p99 ${stats.p99Ms.toFixed(2)} ms`;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((error: unknown) => {
  console.error('Benchmark failed:', error);
  process.exitCode = 1;
});
