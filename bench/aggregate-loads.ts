import { randomUUID } from 'node:crypto';
import type { AggregateRepository, EventStore, NewEvent } from 'nest-event-sourcing';
import type { AggregateApp } from './aggregate-app';
import type { AggregateParams } from './aggregate-config';
import { DEPOSITED_TYPE, SNAPSHOT_EVERY, type BenchAccount } from './bench-account';
import { OperationTimer, type WorkloadStats } from './stats';

/** Workloads 1 and 2: the loads of one history, with and without snapshots. */
export interface HistoryLoads {
  /** Version of the snapshot; the history has `SNAPSHOT_EVERY - 1` events more. */
  snapshotVersion: number;
  /** Events in the stream. */
  events: number;
  snapshotted: WorkloadStats;
  /** Undefined when the no-snapshot loads were skipped as too long. */
  plain: WorkloadStats | undefined;
  /** The untimed full replay taken while seeding, on which the skip was decided. */
  seedReplayMs: number;
  /** `seedReplayMs` × the loads the no-snapshot series would make. */
  plainEstimateMs: number;
}

/** The aggregate id of the history with a snapshot at `snapshotVersion`. */
function historyId(snapshotVersion: number): string {
  return `history-${snapshotVersion}`;
}

/**
 * Seeds one aggregate per history length (untimed), each the way it would look after a
 * life of commands under `snapshots: { every: 100 }`: `n - 1` deposits appended in batches,
 * then one load (a full replay: no snapshot yet) and one save, which makes the repository
 * store its snapshot at version `n`, then 99 more deposits: the longest tail the policy
 * ever leaves, so the snapshotted loads measure their worst case. Returns the replay times.
 */
export async function seedHistories(
  app: AggregateApp,
  p: AggregateParams,
  batchSize: number,
): Promise<Map<number, number>> {
  const replayMs = new Map<number, number>();
  for (const n of p.histories) {
    const id = historyId(n);
    const streamId = app.snapshotted.streamId(id);
    await appendDeposits(app.store, streamId, 0, n - 1, batchSize);
    const begin = process.hrtime.bigint();
    const account = await app.snapshotted.load(id);
    replayMs.set(n, Number(process.hrtime.bigint() - begin) / 1e6);
    account.deposit(1);
    await app.snapshotted.save(account);
    // The repository only logs a failed snapshot (and the logger is off): check it is there.
    const snapshot = await app.snapshots.load(streamId);
    if (snapshot?.version !== n) {
      throw new Error(`No snapshot of ${streamId} at version ${n} (found ${snapshot?.version ?? 'none'}).`);
    }
    await appendDeposits(app.store, streamId, n, SNAPSHOT_EVERY - 1, batchSize);
  }
  return replayMs;
}

/**
 * Loads each seeded history `p.loads` times through both repositories, alternating which
 * goes first, after untimed warm-up loads. A no-snapshot series whose estimate (the seeding
 * replay × its loads) exceeds `p.replayBudgetMs` is skipped, but never the compared history.
 */
export async function measureHistoryLoads(
  app: AggregateApp,
  p: AggregateParams,
  seedReplayMs: ReadonlyMap<number, number>,
): Promise<HistoryLoads[]> {
  const results: HistoryLoads[] = [];
  for (const n of p.histories) {
    const replay = seedReplayMs.get(n) ?? 0;
    const plainEstimateMs = replay * (p.loads + p.warmupLoads);
    const runPlain = n === p.comparedHistory || plainEstimateMs <= p.replayBudgetMs;
    const sides: LoadSide[] = [{ repository: app.snapshotted, timer: new OperationTimer() }];
    if (runPlain) sides.push({ repository: app.accounts, timer: new OperationTimer() });
    const events = n + SNAPSHOT_EVERY - 1;
    for (let load = 0; load < p.warmupLoads; load++) {
      for (const side of sides) await loadChecked(side.repository, historyId(n), events);
    }
    for (let load = 0; load < p.loads; load++) {
      for (const side of load % 2 === 0 ? sides : [...sides].reverse()) {
        side.timer.start();
        await side.timer.time(() => loadChecked(side.repository, historyId(n), events));
        side.timer.stop();
      }
    }
    const [snapshotted, plain] = sides.map((side) => side.timer.stats(p.loads));
    results.push({
      snapshotVersion: n,
      events,
      snapshotted: snapshotted!,
      plain,
      seedReplayMs: replay,
      plainEstimateMs,
    });
  }
  return results;
}

interface LoadSide {
  repository: AggregateRepository<BenchAccount>;
  timer: OperationTimer;
}

/** Loads the aggregate and checks it replayed (or restored) every one of its `events` deposits. */
async function loadChecked(repository: AggregateRepository<BenchAccount>, id: string, events: number): Promise<void> {
  const account = await repository.load(id);
  if (account.version !== events || account.balance !== events || account.deposits !== events) {
    throw new Error(
      `${id} loaded at version ${account.version} with ${account.deposits} deposits, balance ${account.balance}; expected ${events}.`,
    );
  }
}

/** Appends `count` deposits of 1 after `version`, `batchSize` per append, exact expected version. */
async function appendDeposits(
  store: EventStore,
  streamId: string,
  version: number,
  count: number,
  batchSize: number,
): Promise<void> {
  for (let done = 0; done < count;) {
    const size = Math.min(batchSize, count - done);
    const metadata = { correlationId: randomUUID() };
    const events = Array.from({ length: size }, (): NewEvent => ({
      type: DEPOSITED_TYPE,
      data: { amount: 1 },
      metadata,
    }));
    await store.append(streamId, events, { expectedVersion: version + done });
    done += size;
  }
}
