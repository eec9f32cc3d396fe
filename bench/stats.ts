/** Throughput and latency of one workload on one side. */
export interface WorkloadStats {
  events: number;
  operations: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Mean latency of one operation. */
  meanMs: number;
  wallMs: number;
}

/** What a bench cell reports of its operations: how many, how fast, and their latency. */
export interface OperationRate {
  operations: number;
  wallMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** The {@link OperationRate} of a timed workload, operations per second of its wall time. */
export function operationRate(stats: WorkloadStats): OperationRate {
  const { operations, wallMs, p50Ms, p99Ms } = stats;
  return { operations, wallMs, perSecond: operations / (wallMs / 1000), p50Ms, p99Ms };
}

/**
 * Times operations with `process.hrtime.bigint()`: each one by itself, and the workload
 * as a whole between `start` and `stop` (workers overlap, so throughput comes from this
 * wall time). Several start/stop rounds add up.
 */
export class OperationTimer {
  private readonly durations: bigint[] = [];
  private startedAt: bigint | undefined;
  private elapsed = 0n;

  start(): void {
    this.startedAt = process.hrtime.bigint();
  }

  stop(): void {
    if (this.startedAt === undefined) throw new Error('OperationTimer.stop() without start().');
    this.elapsed += process.hrtime.bigint() - this.startedAt;
    this.startedAt = undefined;
  }

  /** Runs one operation and records how long it took. */
  async time<T>(operation: () => Promise<T>): Promise<T> {
    const begin = process.hrtime.bigint();
    const result = await operation();
    this.durations.push(process.hrtime.bigint() - begin);
    return result;
  }

  /** The statistics of the recorded operations, which together moved `events` events. */
  stats(events: number): WorkloadStats {
    if (this.elapsed === 0n) throw new Error('OperationTimer.stats() needs start() and stop() first.');
    const sorted = this.durations.map(nanosToMs).sort((a, b) => a - b);
    const wallMs = nanosToMs(this.elapsed);
    return {
      events,
      operations: sorted.length,
      eventsPerSecond: events / (wallMs / 1000),
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      meanMs: sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length,
      wallMs,
    };
  }
}

/** Nearest-rank percentile of ascending `sorted` values; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function nanosToMs(nanos: bigint): number {
  return Number(nanos) / 1e6;
}

/** The median of `values` (the mean of the middle two when their number is even); NaN when there are none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
