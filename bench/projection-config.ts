/** The sizes of the projection part of a run. */
export interface ProjectionParams {
  /** Accounts (streams) of the catch-up history; each gets one opening and then deposits. */
  accounts: number;
  /** Events per account: the opening, then `eventsPerAccount - 1` deposits. */
  eventsPerAccount: number;
  /** Events per append while seeding (untimed); appends interleave the accounts. */
  eventsPerAppend: number;
  /** Events per page and per transaction, on both sides (the module's default). */
  batchSize: number;
  /** Catch-ups per side, in ABBA order; the figures cover all rounds. */
  rounds: number;
  /** Timed single appends per writer in the latency part, after `latencyWarmup` untimed ones. */
  latencySamples: number;
  latencyWarmup: number;
  /**
   * Pause between a change becoming visible and the next append, so that each append
   * meets an idle subscriber (one that has finished its step and sleeps until woken).
   */
  latencyGapMs: number;
}

const FULL: ProjectionParams = {
  accounts: 1_000,
  eventsPerAccount: 100,
  eventsPerAppend: 10,
  batchSize: 500,
  rounds: 4,
  latencySamples: 200,
  latencyWarmup: 20,
  latencyGapMs: 20,
};

/** Quick mode: 10,000 events instead of 100,000, two rounds per side, fewer latency samples. */
const QUICK: ProjectionParams = {
  ...FULL,
  accounts: 100,
  rounds: 2,
  latencySamples: 50,
  latencyWarmup: 5,
};

/** The projection part's sizes for a full or a quick run. */
export function projectionParams(quick: boolean): ProjectionParams {
  return quick ? QUICK : FULL;
}

/** Events in the catch-up history. */
export function historyEvents(p: ProjectionParams): number {
  return p.accounts * p.eventsPerAccount;
}
