import { BENCH_AMOUNT, benchEvents } from './bench-event';
import type { BenchSide } from './bench-side';
import { depositTotalStream } from './deposit-total';
import { count } from './markdown-format';
import { runWorkers } from './run-workers';
import type { OperationTimer } from './stats';
import type { StoreParams } from './store-config';

/** What a workload did in one run, besides its timings. */
export interface WorkloadOutcome {
  events: number;
  /** Appends tried again after a version conflict (workload 5). */
  retries?: number;
}

/** Where a cell writes: streams of its own, named `bench-<cell>-<name>`. */
export type StreamsOf = (name: string) => string;

/**
 * One store workload: `run` does it once on one side, timing each operation with the timer
 * (the caller starts and stops it around `run`, for the wall time); `check` then proves,
 * untimed, that the work was done.
 */
export interface StoreWorkload {
  id: string;
  title: string;
  /** Store events/s ÷ raw events/s that every variant must reach. */
  target: number;
  describe(p: StoreParams): string;
  run(side: BenchSide, p: StoreParams, timer: OperationTimer, streams: StreamsOf): Promise<WorkloadOutcome>;
  check?(side: BenchSide, p: StoreParams, streams: StreamsOf): Promise<void>;
}

/** Workload 4's aggregate, seeded once per database. */
export const REHYDRATED_TOTAL = 'w4';
/** Workload 6's seeded streams: `seed-global-<n>`, the first events of the store. */
export const GLOBAL_SEED_PREFIX = 'seed-global-';

export const STORE_WORKLOADS: readonly StoreWorkload[] = [
  {
    id: 'W1',
    target: 0.85,
    title: 'W1. Sequential appends, one stream',
    describe: (p) => `${count(p.sequentialAppends)} single-event appends to one new stream, one after another`,
    run: async (side, p, timer, streams) => {
      const stream = streams('w1');
      for (let version = 0; version < p.sequentialAppends; version++) {
        const events = benchEvents(1);
        await timer.time(() => mustAppend(side.append(stream, version, events), stream));
      }
      return { events: p.sequentialAppends };
    },
    check: (side, p, streams) => expectVersion(side, streams('w1'), p.sequentialAppends),
  },
  {
    id: 'W2',
    target: 0.8,
    title: 'W2. Concurrent appends, many streams',
    describe: (p) =>
      `${count(p.concurrentStreams)} new streams × ${p.appendsPerStream} single-event appends, ${p.writers} writers; each takes the next stream and appends its events in order`,
    run: async (side, p, timer, streams) => {
      let next = 0;
      await runWorkers(p.writers, async () => {
        for (let n = next++; n < p.concurrentStreams; n = next++) {
          const stream = streams(`w2_${n}`);
          for (let version = 0; version < p.appendsPerStream; version++) {
            const events = benchEvents(1);
            await timer.time(() => mustAppend(side.append(stream, version, events), stream));
          }
        }
      });
      return { events: p.concurrentStreams * p.appendsPerStream };
    },
    check: async (side, p, streams) => {
      for (const n of [0, p.concurrentStreams - 1]) await expectVersion(side, streams(`w2_${n}`), p.appendsPerStream);
    },
  },
  {
    id: 'W3',
    target: 0.85,
    title: 'W3. Batch appends, new streams',
    describe: (p) => `${count(p.batchStreams)} new streams, one ${p.batchSize}-event append each, one after another`,
    run: async (side, p, timer, streams) => {
      for (let n = 0; n < p.batchStreams; n++) {
        const stream = streams(`w3_${n}`);
        const events = benchEvents(p.batchSize);
        await timer.time(() => mustAppend(side.append(stream, 0, events), stream));
      }
      return { events: p.batchStreams * p.batchSize };
    },
    check: (side, p, streams) => expectVersion(side, streams(`w3_${p.batchStreams - 1}`), p.batchSize),
  },
  {
    id: 'W4',
    target: 0.8,
    title: 'W4. Rehydrate an aggregate',
    describe: (p) =>
      `a ${count(p.rehydrateEvents)}-event stream (seeded) read and folded, ${p.rehydrations} times: the store through \`AggregateRepository.load\` (an \`@Apply\` handler adds each amount), raw by reading the rows and adding the amounts in a loop`,
    run: async (side, p, timer) => {
      for (let n = 0; n < p.rehydrations; n++) {
        const total = await timer.time(() => side.rehydrate(REHYDRATED_TOTAL));
        if (total !== p.rehydrateEvents * BENCH_AMOUNT) {
          throw new Error(`Rehydrated a total of ${total}, not ${p.rehydrateEvents * BENCH_AMOUNT}.`);
        }
      }
      return { events: p.rehydrations * p.rehydrateEvents };
    },
  },
  {
    id: 'W5',
    target: 1.0,
    title: 'W5. Contended appends, one stream',
    describe: (p) =>
      `${p.writers} writers on one new stream, each: read the stream's version, append one event expecting it, on a conflict read again and retry; until ${count(p.contendedAppends)} appends succeeded. Latency is per successful append, its retries included`,
    run: async (side, p, timer, streams) => {
      const stream = streams('w5');
      let claimed = 0;
      let retries = 0;
      await runWorkers(p.writers, async () => {
        while (claimed < p.contendedAppends) {
          claimed++;
          const events = benchEvents(1);
          const tries = await timer.time(async () => {
            for (let tried = 0; ; tried++) {
              const version = await side.streamVersion(stream);
              if (await side.appendContended(stream, version, events[0]!)) return tried;
            }
          });
          retries += tries;
        }
      });
      return { events: p.contendedAppends, retries };
    },
    check: (side, p, streams) => expectVersion(side, streams('w5'), p.contendedAppends),
  },
  {
    id: 'W6',
    target: 0.85,
    title: 'W6. Read all in global order',
    describe: (p) =>
      `${count(p.globalStreams * p.globalEventsPerStream)} events (seeded: ${p.globalStreams} streams × ${p.globalEventsPerStream}) read from the start in pages of ${count(p.globalPageSize)}, ${p.globalPasses} passes`,
    run: async (side, p, timer) => {
      const events = p.globalStreams * p.globalEventsPerStream;
      for (let pass = 0; pass < p.globalPasses; pass++) {
        const reader = side.globalReader();
        for (let read = 0; read < events;) {
          const page = await timer.time(() => reader.nextPage(Math.min(p.globalPageSize, events - read)));
          // The seeded events come first in global order; anything else means the reader is off.
          if (page.count === 0 || !page.lastStreamId?.startsWith(GLOBAL_SEED_PREFIX)) {
            throw new Error(`The global read stopped or left the seeded events after ${read} events.`);
          }
          read += page.count;
        }
      }
      return { events: p.globalPasses * events };
    },
  },
];

/**
 * Untimed, the same for every side and workload: `writers` writers append `warmupAppends`
 * single events in all to throw-away aggregate streams (so that the pool's connections are
 * open and have their statements prepared), one rehydrates its stream, and one page is read
 * in global order; V8 has then compiled the code the workloads run.
 */
export async function warmUp(side: BenchSide, p: StoreParams, cellId: string): Promise<void> {
  const perWriter = Math.ceil(p.warmupAppends / p.writers);
  let writer = 0;
  await runWorkers(p.writers, async () => {
    const totalId = `${cellId}-warmup-${writer++}`;
    for (let version = 0; version < perWriter; version++) {
      await mustAppend(side.append(depositTotalStream(totalId), version, benchEvents(1)), totalId);
    }
    await side.rehydrate(totalId);
  });
  await side.globalReader().nextPage(10);
}

async function mustAppend(appended: Promise<boolean>, stream: string): Promise<void> {
  if (!(await appended)) throw new Error(`An append to ${stream} met a version it did not expect.`);
}

async function expectVersion(side: BenchSide, stream: string, expected: number): Promise<void> {
  const actual = await side.streamVersion(stream);
  if (actual !== expected) throw new Error(`Stream ${stream} has ${actual} events, not ${expected}.`);
}
