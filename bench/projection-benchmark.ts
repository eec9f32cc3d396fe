import { DEPOSITED_TYPE } from './bench-account';
import type { BenchConfig } from './bench-config';
import type { BenchDatabase } from './bench-database';
import { ProjectionApp } from './projection-app';
import { measureCatchUp, type CatchUpResult } from './projection-catch-up';
import { historyEvents, projectionParams, type ProjectionParams } from './projection-config';
import { OPENED_TYPE, seedHistory } from './projection-history';
import { measureVisibility, type VisibilityLatency } from './projection-latency';
import { RawProjectionLoop } from './raw-projection-loop';

/** Everything the projection part measured. */
export interface ProjectionResults {
  params: ProjectionParams;
  catchUp: CatchUpResult;
  latency: VisibilityLatency[];
}

/**
 * The projection part of `npm run bench`, on a database of its own (`database`, empty):
 * seeds the history, then the catch-up of the projection against the raw loop, then the
 * latency from append to read model. A steering instance (`subscriptions.run` false)
 * seeds, resets the projection between rounds and is the second writer of the latency part.
 */
export async function runProjectionBenchmarks(
  database: BenchDatabase,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ProjectionResults> {
  const params = projectionParams(config.quick);
  const control = await ProjectionApp.open(database.url, {
    run: false,
    batchSize: params.batchSize,
    applicationName: 'bench-projection-control',
  });
  try {
    log(`Seeding ${historyEvents(params).toLocaleString('en-US')} events over ${params.accounts} accounts…`);
    const fold = await seedHistory(control.store, params, config.params.concurrency);
    await control.dataSource.query('VACUUM ANALYZE es_events, es_streams');
    const raw = await RawProjectionLoop.open(database.url, { opened: OPENED_TYPE, deposited: DEPOSITED_TYPE });
    let catchUp: CatchUpResult;
    try {
      catchUp = await measureCatchUp({ database, control, raw, fold, log }, params);
    } finally {
      await raw.close();
    }
    log(`Latency: ${params.latencySamples} appends per writer…`);
    const latency = await measureVisibility(database.url, control, params);
    for (const l of latency) {
      log(`Append → read model, ${l.writer}: p50 ${l.p50Ms.toFixed(2)} ms, p99 ${l.p99Ms.toFixed(2)} ms`);
    }
    return { params, catchUp, latency };
  } finally {
    await control.close();
  }
}
