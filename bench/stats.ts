/** Throughput and latency of one workload on one side. */
export interface WorkloadStats {
  events: number;
  operations: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  wallMs: number;
}

/**
 * Times operations with `process.hrtime.bigint()`: each one by itself, and the whole
 * workload from the first `start` to `stop` (workers may overlap, so the wall time is
 * what throughput is computed from).
 */
export class OperationTimer {
  private readonly durations: bigint[] = [];
  private startedAt = 0n;
  private stoppedAt = 0n;

  start(): void {
    this.startedAt = process.hrtime.bigint();
  }

  stop(): void {
    this.stoppedAt = process.hrtime.bigint();
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
    if (this.stoppedAt <= this.startedAt) throw new Error('OperationTimer.stats() needs start() and stop() first.');
    const sorted = this.durations.map(nanosToMs).sort((a, b) => a - b);
    const wallMs = nanosToMs(this.stoppedAt - this.startedAt);
    return {
      events,
      operations: sorted.length,
      eventsPerSecond: events / (wallMs / 1000),
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
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
