import { randomUUID } from 'node:crypto';
import type { BenchParams } from './bench-config';
import { benchEvent, benchEvents, type BenchTarget } from './bench-target';
import type { OperationTimer } from './stats';

/** What a workload did on one side, besides its timings. */
export interface WorkloadOutcome {
  events: number;
  /** Appends tried again after a version conflict (contention workload only). */
  retries?: number;
}

/**
 * One measured workload, run once per round on each side, then `check`ed (untimed) to
 * prove the work was done. Writes of each round go to streams of their own. It is one of:
 *
 * - `run`: the whole round on one side; it times each operation with the timer, and the
 *   runner starts and stops the timer around it (for workers that overlap).
 * - `operations` + `operation`: one operation after another, each independent of the
 *   other side's. The runner interleaves them: the sides take turns block by block of
 *   `block` operations (AB, BA, AB…), so that both meet the same moments of a shared,
 *   noisy machine. Blocks, not single operations: the first operation after the other
 *   side's runs slower on either side, and a cost added to both alike pulls their ratio
 *   towards 1 (append by append, the sequential ratio came out 0.03–0.05 higher).
 */
export type Workload = WorkloadBase & (RoundWorkload | PairedWorkload);

interface WorkloadBase {
  title: string;
  /** Whether the report shows the retries of the workload. */
  countsRetries?: boolean;
  describe(params: BenchParams): string;
  check?(target: BenchTarget, params: BenchParams, round: number): Promise<void>;
}

interface RoundWorkload {
  run(target: BenchTarget, timer: OperationTimer, params: BenchParams, round: number): Promise<WorkloadOutcome>;
}

/** A workload of operations one after another, which the runner interleaves between the sides. */
export interface PairedWorkload {
  /** Operations per side and round, the events each one moves, and how many a side runs in a row. */
  operations(params: BenchParams): { count: number; eventsEach: number; block: number };
  /** The `index`th operation of a round, made ready (untimed): calling it runs it (timed). */
  operation(target: BenchTarget, params: BenchParams, round: number, index: number): () => Promise<unknown>;
}

/** Whether the sides of `workload` take turns block by block within a round. */
export function isPaired(workload: Workload): workload is WorkloadBase & PairedWorkload {
  return 'operation' in workload;
}

const READ_STREAM = 'read-1';
const GLOBAL_STREAM_PREFIX = 'global-';

/** The six workloads, in the order they run. */
export const WORKLOADS: readonly Workload[] = [
  {
    title: '1. Sequential appends, one stream',
    describe: (p) => `${p.sequentialAppends} single-event appends to one stream, exact expected version`,
    operations: (p) => ({ count: p.sequentialAppends, eventsEach: 1, block: 100 }),
    operation: (target, _, round, version) => {
      const event = benchEvent(randomUUID());
      return () => target.append(`sequential-${round}`, version, [event]);
    },
    check: (target, p, round) => expectStreamLength(target, `sequential-${round}`, p.sequentialAppends),
  },
  {
    title: '2. Concurrent appends, many streams',
    describe: (p) =>
      `${p.concurrentStreams} streams × ${p.appendsPerStream} single-event appends, ${p.concurrency} workers, exact expected version`,
    run: async (target, timer, p, round) => {
      let next = 0;
      await runWorkers(p.concurrency, async () => {
        for (let stream = next++; stream < p.concurrentStreams; stream = next++) {
          for (let version = 0; version < p.appendsPerStream; version++) {
            const event = benchEvent(randomUUID());
            await timer.time(() => target.append(`concurrent-${round}_${stream}`, version, [event]));
          }
        }
      });
      return { events: p.concurrentStreams * p.appendsPerStream };
    },
    check: (target, p, round) =>
      expectStreamLength(target, `concurrent-${round}_${p.concurrentStreams - 1}`, p.appendsPerStream),
  },
  {
    title: '3. Batch appends, one stream',
    describe: (p) =>
      `${p.batchAppends} appends of ${p.batchSize} events each, all to one stream, exact expected version`,
    operations: (p) => ({ count: p.batchAppends, eventsEach: p.batchSize, block: 10 }),
    operation: (target, p, round, append) => {
      const events = benchEvents(p.batchSize, randomUUID());
      return () => target.append(`batch-${round}`, append * p.batchSize, events);
    },
    check: (target, p, round) => expectStreamLength(target, `batch-${round}`, p.batchAppends * p.batchSize),
  },
  {
    title: '4. Read one stream whole',
    describe: (p) => `a ${p.readStreamEvents}-event stream read whole, ${p.readRepeats} times`,
    operations: (p) => ({ count: p.readRepeats, eventsEach: p.readStreamEvents, block: 2 }),
    operation: (target, p) => async () => {
      const count = await target.readStream(READ_STREAM);
      if (count !== p.readStreamEvents) throw new Error(`${target.name}: read ${count} events of ${READ_STREAM}.`);
    },
  },
  {
    title: '5. Contended appends, one stream',
    countsRetries: true,
    describe: (p) =>
      `${p.concurrency} writers × ${p.appendsPerWriter} single-event appends to one stream, read version then append, retry on conflict, all in this process (the store queues them per stream, as it would requests to one instance); latency is per successful append, retries included`,
    run: async (target, timer, p, round) => {
      let retries = 0;
      await runWorkers(p.concurrency, async () => {
        for (let append = 0; append < p.appendsPerWriter; append++) {
          const event = benchEvent(randomUUID());
          // Not `retries += await ...`: that reads `retries` before the await and loses the others' counts.
          const tries = await timer.time(() => target.appendContended(`contended-${round}`, event));
          retries += tries;
        }
      });
      return { events: p.concurrency * p.appendsPerWriter, retries };
    },
    check: (target, p, round) => expectStreamLength(target, `contended-${round}`, p.concurrency * p.appendsPerWriter),
  },
  {
    title: '6. Read all in global order',
    describe: (p) =>
      `${p.globalEvents} events paged ${p.globalPageSize} at a time from the start, ${p.globalPasses} passes (seeded first, untimed)`,
    run: async (target, timer, p) => {
      for (let pass = 0; pass < p.globalPasses; pass++) {
        const reader = target.globalReader();
        for (let read = 0; read < p.globalEvents;) {
          const page = await timer.time(() => reader.nextPage(Math.min(p.globalPageSize, p.globalEvents - read)));
          // The seeded events come first in global order; anything else means the reader is off.
          if (page.count === 0 || !page.lastStreamId?.startsWith(GLOBAL_STREAM_PREFIX)) {
            throw new Error(`${target.name}: global read stopped or left the seeded events after ${read} events.`);
          }
          read += page.count;
        }
      }
      return { events: p.globalPasses * p.globalEvents };
    },
  },
];

/**
 * Writes what the read workloads read, before anything else so that the global read's
 * events are the first of the store. Untimed; ends with VACUUM ANALYZE.
 */
export async function seedReadWorkloads(target: BenchTarget, p: BenchParams): Promise<void> {
  for (let seeded = 0, stream = 0; seeded < p.globalEvents; stream++) {
    const count = Math.min(p.seedBatchSize, p.globalEvents - seeded);
    await target.append(`${GLOBAL_STREAM_PREFIX}${stream}`, 0, benchEvents(count, randomUUID()));
    seeded += count;
  }
  for (let seeded = 0; seeded < p.readStreamEvents;) {
    const count = Math.min(p.seedBatchSize, p.readStreamEvents - seeded);
    await target.append(READ_STREAM, seeded, benchEvents(count, randomUUID()));
    seeded += count;
  }
  await target.analyze();
}

/**
 * Untimed single-event appends and reads by as many workers as the workloads use, so that
 * every connection they need is open and has its plans cached, and V8 has compiled the code.
 */
export async function warmUp(target: BenchTarget, p: BenchParams): Promise<void> {
  const perWorker = Math.ceil(p.warmupAppends / p.concurrency);
  await runWorkers(p.concurrency, async () => {
    const streamId = `warmup-${randomUUID()}`;
    for (let version = 0; version < perWorker; version++) {
      await target.append(streamId, version, [benchEvent(randomUUID())]);
    }
    await target.appendContended(streamId, benchEvent(randomUUID()));
    await target.readStream(streamId);
    await target.globalReader().nextPage(10);
  });
}

/** Runs `count` workers at once; waits for all of them, even when one fails, then throws its error. */
export async function runWorkers(count: number, worker: () => Promise<void>): Promise<void> {
  const settled = await Promise.allSettled(Array.from({ length: count }, worker));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

async function expectStreamLength(target: BenchTarget, streamId: string, expected: number): Promise<void> {
  const actual = await target.readStream(streamId);
  if (actual !== expected) throw new Error(`${target.name}: stream ${streamId} has ${actual} events, not ${expected}.`);
}
