import { BALANCES_PROJECTION } from './bench-balances.projection';
import type { BenchDatabase } from './bench-database';
import { ProjectionApp } from './projection-app';
import { historyEvents, type ProjectionParams } from './projection-config';
import { expectFold, type Fold } from './projection-history';
import type { RawProjectionLoop } from './raw-projection-loop';

/** One side's catch-ups: all its rounds. */
export interface CatchUpSide {
  events: number;
  wallMs: number;
  eventsPerSecond: number;
  /** Events/s of each round, in the order they ran. */
  roundRates: number[];
}

/** Both sides of the catch-up, measured in the same run. */
export interface CatchUpResult {
  /** Events in the history each catch-up applies. */
  history: number;
  projection: CatchUpSide;
  raw: CatchUpSide;
  /** The order the sides ran in, round by round. */
  order: string;
}

type SideName = 'projection' | 'raw';

/** What the rounds run on: the database, its steering instance, the raw loop. */
export interface CatchUpDeps {
  database: BenchDatabase;
  /** An instance with `subscriptions.run` false: resets and pauses the projection. */
  control: ProjectionApp;
  raw: RawProjectionLoop;
  fold: Fold;
  log: (line: string) => void;
}

/**
 * Catches the projection and the raw loop up from the start of the history, `rounds`
 * times each in ABBA order (projection first in even rounds), each time from an empty
 * read model and checkpoint. Each catch-up is checked against the fold afterwards.
 */
export async function measureCatchUp(deps: CatchUpDeps, p: ProjectionParams): Promise<CatchUpResult> {
  const history = historyEvents(p);
  const sides: Record<SideName, number[]> = { projection: [], raw: [] };
  const order: SideName[] = [];
  for (let round = 0; round < p.rounds; round++) {
    const pair: SideName[] = round % 2 === 0 ? ['projection', 'raw'] : ['raw', 'projection'];
    for (const side of pair) {
      const ms = side === 'projection' ? await catchUpProjection(deps, p) : await catchUpRaw(deps, p);
      sides[side].push(ms);
      order.push(side);
      deps.log(`Catch-up ${round + 1}, ${side}: ${Math.round(history / (ms / 1000))} events/s (${ms.toFixed(0)} ms)`);
    }
  }
  const summarize = (times: number[]): CatchUpSide => {
    const wallMs = times.reduce((sum, ms) => sum + ms, 0);
    const events = history * times.length;
    return {
      events,
      wallMs,
      eventsPerSecond: events / (wallMs / 1000),
      roundRates: times.map((ms) => history / (ms / 1000)),
    };
  };
  return { history, projection: summarize(sides.projection), raw: summarize(sides.raw), order: order.join(', ') };
}

/**
 * One catch-up of the projection, timed from `resume` to caught up. Untimed before it: the
 * steering instance resets the projection (`rebuild` empties its read model and moves its
 * checkpoint to the start) and pauses it, so that a fresh instance boots, takes the
 * projection's lock and waits; the read model's table is vacuumed and a CHECKPOINT taken.
 */
async function catchUpProjection({ database, control, fold }: CatchUpDeps, p: ProjectionParams): Promise<number> {
  await control.subscriptions.rebuild(BALANCES_PROJECTION);
  await control.subscriptions.pause(BALANCES_PROJECTION);
  await settle(control, database, 'bench_balances');
  const app = await ProjectionApp.openRunner(database.url, p.batchSize);
  let ms: number;
  try {
    const begin = process.hrtime.bigint();
    await app.subscriptions.resume(BALANCES_PROJECTION);
    await app.subscriptions.waitUntilCaughtUp([BALANCES_PROJECTION], { timeoutMs: 10 * 60_000 });
    ms = Number(process.hrtime.bigint() - begin) / 1e6;
  } finally {
    await app.close();
  }
  await expectFold(control.dataSource, 'bench_balances', fold);
  return ms;
}

/** One catch-up of the raw loop, timed over `catchUp`; reset and settled before, untimed. */
async function catchUpRaw({ database, control, raw, fold }: CatchUpDeps, p: ProjectionParams): Promise<number> {
  await raw.reset();
  await settle(control, database, 'raw_balances');
  const begin = process.hrtime.bigint();
  const applied = await raw.catchUp(p.batchSize);
  const ms = Number(process.hrtime.bigint() - begin) / 1e6;
  const expected = historyEvents(p);
  if (applied !== expected) throw new Error(`The raw loop applied ${applied} events, not ${expected}.`);
  await expectFold(control.dataSource, 'raw_balances', fold);
  return ms;
}

/** Clears the emptied table's dead rows and flushes dirty pages, so that no run pays for the last one. */
async function settle(control: ProjectionApp, database: BenchDatabase, table: string): Promise<void> {
  await control.dataSource.query(`VACUUM ANALYZE ${table}`);
  await database.checkpoint();
}
