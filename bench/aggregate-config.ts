/** The sizes of the aggregate part of a run. */
export interface AggregateParams {
  /**
   * Workloads 1 and 2: history lengths to load, ascending. Each aggregate has a snapshot at
   * this version and `SNAPSHOT_EVERY - 1` events after it.
   */
  histories: readonly number[];
  /** The history workload 1 compares with and without snapshots. */
  comparedHistory: number;
  /** Timed loads per aggregate and variant, after `warmupLoads` untimed ones. */
  loads: number;
  warmupLoads: number;
  /** A no-snapshot series whose estimated time exceeds this is skipped (the 100k history). */
  replayBudgetMs: number;
  /** Workload 3: aggregates (and streams) written to, per side. */
  aggregates: number;
  /** Workload 3: operations per side and round (commands, or appends). */
  operationsPerRound: number;
  /** Workload 3: untimed operations per side before the first round. */
  warmupOperations: number;
}

const FULL: AggregateParams = {
  histories: [1_000, 10_000, 100_000],
  comparedHistory: 10_000,
  loads: 20,
  warmupLoads: 2,
  replayBudgetMs: 30_000,
  aggregates: 1_000,
  operationsPerRound: 5_000,
  warmupOperations: 500,
};

/** Quick mode: the longest history 100k → 20k, fewer loads, workload 3 ÷ 10. */
const QUICK: AggregateParams = {
  ...FULL,
  histories: [1_000, 10_000, 20_000],
  loads: 5,
  warmupLoads: 1,
  aggregates: 100,
  operationsPerRound: 500,
  warmupOperations: 100,
};

/** The aggregate part's sizes for a full or a quick run. */
export function aggregateParams(quick: boolean): AggregateParams {
  return quick ? QUICK : FULL;
}
