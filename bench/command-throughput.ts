import { randomUUID } from 'node:crypto';
import { ConcurrencyError, type EventStore, type NewEvent } from 'nest-event-sourcing';
import type { AggregateApp } from './aggregate-app';
import type { AggregateParams } from './aggregate-config';
import { DEPOSITED_TYPE } from './bench-account';
import { DepositToBenchAccount, OpenBenchAccount } from './bench-account-commands';
import { OperationTimer, type WorkloadStats } from './stats';
import { runWorkers } from './run-workers';

/** One way of adding a deposit to one of `p.aggregates` streams, measured in workload 3. */
interface ThroughputSide {
  readonly title: string;
  /** Creates the side's streams (untimed). */
  open(index: number): Promise<void>;
  /** Adds one deposit to stream `index`. */
  operate(index: number): Promise<void>;
  /** Operations tried again after a `ConcurrencyError` since the last reset. */
  retries(): number;
  /** Zeroes the retries (and the handler's timings), after the warm-up. */
  resetRetries(): void;
  /** The version stream `index` must have after `operations` operations on it. */
  check(index: number, operations: number): Promise<void>;
}

/** What one side did in workload 3. */
export interface ThroughputResult {
  title: string;
  stats: WorkloadStats;
  retries: number;
}

/** Workload 3's results, and where a command's time went. */
export interface CommandThroughput {
  appends: ThroughputResult;
  readThenAppend: ThroughputResult;
  commands: ThroughputResult;
  /** The same commands in an application context with `warmAggregates` on. */
  warmCommands: ThroughputResult;
  /** Mean time per command inside the handler: its load and its save (retries included). */
  handlerLoadMs: number;
  handlerSaveMs: number;
  /** The order the sides ran in, round by round. */
  order: string;
}

/**
 * Opens `p.aggregates` streams per side (untimed), warms each side up, then runs `rounds`
 * rounds of `p.operationsPerRound` operations per side by `concurrency` workers, each
 * taking the next operation and the stream `operation % p.aggregates` (round robin: two
 * operations on one stream are `p.aggregates` operations apart, so conflicts are rare).
 * The side order reverses every round.
 */
export async function measureCommandThroughput(
  app: AggregateApp,
  warmApp: AggregateApp,
  p: AggregateParams,
  rounds: number,
  concurrency: number,
  beforeRounds: () => Promise<void>,
): Promise<CommandThroughput> {
  const appends = appendSide(app.store, p.aggregates);
  const readThenAppend = readThenAppendSide(app.store);
  const commands = commandSide(app, 'commands', 'cmd');
  const warmCommands = commandSide(warmApp, 'warm commands', 'warm');
  const sides = [appends, readThenAppend, commands, warmCommands];
  for (const side of sides) {
    await forEachIndex(p.aggregates, concurrency, (index) => side.open(index));
    await forEachIndex(p.warmupOperations, concurrency, (index) => side.operate(index % p.aggregates));
    side.resetRetries();
  }
  await beforeRounds();
  const timers = new Map(sides.map((side) => [side, new OperationTimer()]));
  const order: string[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      const timer = timers.get(side)!;
      timer.start();
      await forEachIndex(p.operationsPerRound, concurrency, (index) =>
        timer.time(() => side.operate(index % p.aggregates)),
      );
      timer.stop();
      order.push(side.title);
    }
  }
  const operationsOn = (index: number): number =>
    1 + hits(index, p.warmupOperations, p.aggregates) + rounds * hits(index, p.operationsPerRound, p.aggregates);
  const total = rounds * p.operationsPerRound;
  for (const side of sides) {
    for (const index of [0, p.aggregates - 1]) await side.check(index, operationsOn(index));
  }
  const result = (side: ThroughputSide): ThroughputResult => ({
    title: side.title,
    stats: timers.get(side)!.stats(total),
    retries: side.retries(),
  });
  return {
    appends: result(appends),
    readThenAppend: result(readThenAppend),
    commands: result(commands),
    warmCommands: result(warmCommands),
    handlerLoadMs: Number(app.deposits.loadNanos) / 1e6 / total,
    handlerSaveMs: Number(app.deposits.saveNanos) / 1e6 / total,
    order: order.map((title) => title.split(' ')[0]).join(', '),
  };
}

/** `EventStore.append` of one event, the version tracked by the writer: one round trip. */
function appendSide(store: EventStore, aggregates: number): ThroughputSide {
  const versions = new Array<number>(aggregates).fill(0);
  let retries = 0;
  const streamId = (index: number): string => `benchappend-${index}`;
  return {
    title: 'appends',
    open: async (index) => {
      await store.append(streamId(index), [deposit()], { expectedVersion: 0 });
      versions[index] = 1;
    },
    operate: async (index) => {
      for (let expected = versions[index]!; ; retries++) {
        try {
          const { streamVersion } = await store.append(streamId(index), [deposit()], { expectedVersion: expected });
          versions[index] = Math.max(versions[index]!, streamVersion);
          return;
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          expected = error.actual;
        }
      }
    },
    retries: () => retries,
    resetRetries: () => (retries = 0),
    check: (index, operations) => expectVersion(store, streamId(index), operations),
  };
}

/** What the repository does, without the aggregate: read the stream, then append after its last version. */
function readThenAppendSide(store: EventStore): ThroughputSide {
  let retries = 0;
  const streamId = (index: number): string => `benchreadappend-${index}`;
  return {
    title: 'readStream + append',
    open: async (index) => {
      await store.append(streamId(index), [deposit()], { expectedVersion: 0 });
    },
    operate: async (index) => {
      for (; ; retries++) {
        const events = await store.readStream(streamId(index));
        try {
          await store.append(streamId(index), [deposit()], { expectedVersion: events.at(-1)?.version ?? 0 });
          return;
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
        }
      }
    },
    retries: () => retries,
    resetRetries: () => (retries = 0),
    check: (index, operations) => expectVersion(store, streamId(index), operations),
  };
}

/** `CommandBus.execute` of a deposit: the handler loads the aggregate, applies one event and saves. */
function commandSide(app: AggregateApp, title: string, prefix: string): ThroughputSide {
  let executed = 0;
  const accountId = (index: number): string => `${prefix}-${index}`;
  return {
    title,
    open: async (index) => {
      await app.execute(new OpenBenchAccount(accountId(index)));
    },
    operate: async (index) => {
      executed++;
      await app.execute(new DepositToBenchAccount(accountId(index), 1));
    },
    retries: () => app.deposits.tries - executed,
    resetRetries: () => {
      executed = 0;
      app.deposits.reset();
    },
    check: async (index, operations) => {
      const account = await app.accounts.load(accountId(index));
      if (account.version !== operations || account.deposits !== operations - 1) {
        throw new Error(`${accountId(index)} is at version ${account.version}, not ${operations}.`);
      }
    },
  };
}

function deposit(): NewEvent {
  return { type: DEPOSITED_TYPE, data: { amount: 1 }, metadata: { correlationId: randomUUID() } };
}

async function expectVersion(store: EventStore, streamId: string, expected: number): Promise<void> {
  const actual = await store.streamVersion(streamId);
  if (actual !== expected) throw new Error(`${streamId} is at version ${actual}, not ${expected}.`);
}

/** Runs `work(index)` for index 0 … count - 1, `concurrency` at a time, each worker taking the next index. */
async function forEachIndex(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await runWorkers(concurrency, async () => {
    for (let index = next++; index < count; index = next++) await work(index);
  });
}

/** How many of the operations 0 … operations - 1 fall on stream `index` of `streams`, round robin. */
function hits(index: number, operations: number, streams: number): number {
  return Math.floor(operations / streams) + (index < operations % streams ? 1 : 0);
}
