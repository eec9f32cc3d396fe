import { AggregateApp } from './aggregate-app';
import { aggregateParams } from './aggregate-config';
import { measureHistoryLoads, seedHistories } from './aggregate-loads';
import type { AggregateResults } from './aggregate-report';
import type { BenchConfig } from './bench-config';
import type { BenchDatabase } from './bench-database';
import { measureCommandThroughput } from './command-throughput';
import type { WorkloadStats } from './stats';

/**
 * The aggregate part of `npm run bench`: loads with and without snapshots as the history
 * grows, then command throughput against the store's append rate. Runs on the run's
 * database, after the store part, in a Nest application context that it closes at the end.
 */
export async function runAggregateBenchmarks(
  database: BenchDatabase,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<AggregateResults> {
  const params = aggregateParams(config.quick);
  const app = await AggregateApp.open(database.url, config.poolSize);
  // The same application with warm aggregates, on the same database, for the last throughput side.
  const warmApp = await AggregateApp.open(database.url, config.poolSize, params.aggregates);
  const settle = async (): Promise<void> => {
    await app.analyze();
    await database.checkpoint();
  };
  try {
    log(`Seeding aggregate histories of ${params.histories.join(', ')} events…`);
    const replayMs = await seedHistories(app, params, config.params.seedBatchSize);
    await settle();
    const loads = await measureHistoryLoads(app, params, replayMs);
    for (const l of loads) {
      const plain = l.plain ? summary(l.plain) : `skipped (estimated ${(l.plainEstimateMs / 1000).toFixed(1)} s)`;
      log(`Loads of ${l.events} events: snapshots ${summary(l.snapshotted)}; no snapshots ${plain}`);
    }
    log(`Opening ${params.aggregates} aggregates per side and warming up…`);
    const throughput = await measureCommandThroughput(
      app,
      warmApp,
      params,
      config.params.rounds,
      config.params.concurrency,
      settle,
    );
    for (const side of [throughput.appends, throughput.readThenAppend, throughput.commands, throughput.warmCommands]) {
      log(
        `${side.title}: ${Math.round(side.stats.eventsPerSecond)} ops/s, ${summary(side.stats)}, retries ${side.retries}`,
      );
    }
    return { params, loads, throughput };
  } finally {
    await warmApp.close();
    await app.close();
  }
}

function summary(stats: WorkloadStats): string {
  return `p50 ${stats.p50Ms.toFixed(2)} ms, p99 ${stats.p99Ms.toFixed(2)} ms`;
}
