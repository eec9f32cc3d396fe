import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { captureLogs, type CapturedLogs } from '../../../../test/support/captured-logs';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { ConfigurationError } from '../errors/configuration-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import { OnPage } from '../projections/on-page.decorator';
import { Projection, type ProjectionReset } from '../projections/projection.decorator';
import { DurableSaga } from '../sagas/durable-saga.decorator';
import { EventStore } from '../store/event-store';
import { streamPartition } from '../store/stream-partition';
import { DurableEventHandler } from './durable-event-handler.decorator';
import { On } from './on.decorator';
import { Subscriptions } from './subscriptions';
import { pollUntil } from './wait-for-cursor';

// Partitioned subscribers and debounced pages, on PostgreSQL and on `database: 'memory'`.

@DomainEvent('partitioned.counted')
class Counted {
  constructor(
    readonly counter: string,
    readonly by: number,
  ) {}
}

@Injectable()
class PartitionState {
  /** Versions each stream's events came in, in the order they came. */
  readonly seen = new Map<string, number[]>();
  readonly totals = new Map<string, number>();
  /** Event ids handled, to tell a second application. */
  readonly handled: string[] = [];
  readonly pings: string[] = [];
  pageSizes: number[] = [];
  poison = -1;
}

@Projection('partitioned-counters', { partitions: 4, batchSize: 7 })
@Injectable()
class PartitionedCounters implements ProjectionReset {
  constructor(private readonly state: PartitionState) {}

  @On(Counted)
  counted({ data, streamId, version, eventId }: EventEnvelope<Counted>): void {
    this.state.seen.set(streamId, [...(this.state.seen.get(streamId) ?? []), version]);
    this.state.totals.set(data.counter, (this.state.totals.get(data.counter) ?? 0) + data.by);
    this.state.handled.push(eventId);
  }

  async reset(): Promise<void> {
    this.state.seen.clear();
    this.state.totals.clear();
    this.state.handled.length = 0;
  }
}

@DurableEventHandler('partitioned-pings', { partitions: 3, maxAttempts: 1 })
@Injectable()
class PartitionedPings {
  constructor(private readonly state: PartitionState) {}

  @On(Counted)
  counted({ data }: EventEnvelope<Counted>): void {
    if (data.by === this.state.poison) throw new Error(`${data.by} is poison`);
    this.state.pings.push(`${data.counter}:${data.by}`);
  }
}

@Projection('debounced-pages', { batchSize: 100, debounceMs: 1_000, maxWaitMs: 5_000 })
@Injectable()
class DebouncedPages {
  constructor(private readonly state: PartitionState) {}

  @OnPage(Counted)
  page(events: EventEnvelope<Counted>[]): void {
    this.state.pageSizes.push(events.length);
  }

  async reset(): Promise<void> {
    this.state.pageSizes = [];
  }
}

const COUNTERS = 'partitioned-counters';
const PINGS = 'partitioned-pings';

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  if (!(await pollUntil(Date.now() + timeoutMs, async () => check()))) throw new Error(`timed out waiting: ${what}`);
}

describe.each(['memory', 'postgres'] as const)('partitioned subscribers (%s store)', (kind) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;
  let store: EventStore;
  let subscriptions: Subscriptions;
  let state: PartitionState;
  let logs: CapturedLogs;

  beforeEach(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'partitioned') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        EventSourcingModule.forRoot({
          database: database?.url ?? 'memory',
          subscriptions: { pollIntervalMs: kind === 'memory' ? 60_000 : 200, leaseRetryMs: 100, maxBackoffMs: 300 },
        }),
      ],
      providers: [PartitionState, PartitionedCounters, PartitionedPings, DebouncedPages],
    }).compile();
    logs = captureLogs();
    await moduleRef.init();
    store = moduleRef.get(EventStore);
    subscriptions = moduleRef.get(Subscriptions);
    state = moduleRef.get(PartitionState);
  });

  afterEach(async () => {
    await moduleRef.close();
    await database?.drop();
    logs.restore();
  });

  const count = (counter: string, by: number) =>
    store.append(`counter-${counter}`, [{ type: 'partitioned.counted', data: { counter, by } }]);

  async function countMany(streams: number, rounds: number): Promise<Map<string, number>> {
    const expected = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      for (let s = 0; s < streams; s++) {
        await count(`c${s}`, round + 1);
        expected.set(`c${s}`, (expected.get(`c${s}`) ?? 0) + round + 1);
      }
    }
    return expected;
  }

  it(`${kind}: routes each stream to one partition, in order, and every event once`, async () => {
    const expected = await countMany(12, 6);
    await subscriptions.waitUntilCaughtUp([COUNTERS], { timeoutMs: 10_000 });

    expect(state.totals).toEqual(expected);
    expect(new Set(state.handled).size).toBe(72);
    expect(state.handled).toHaveLength(72);
    for (const versions of state.seen.values()) expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
    const status = await subscriptions.statusOf(COUNTERS);
    expect(status).toMatchObject({ state: 'caught-up', lag: 0, position: status.head });
    expect(status.partitions!.map((p) => [p.partition, p.key, p.state])).toEqual([
      [0, `${COUNTERS}#0/4`, 'caught-up'],
      [1, `${COUNTERS}#1/4`, 'caught-up'],
      [2, `${COUNTERS}#2/4`, 'caught-up'],
      [3, `${COUNTERS}#3/4`, 'caught-up'],
    ]);
    for (const p of status.partitions!) expect(p.instance).toMatchObject({ local: true });
    // Each partition's highest position is that of the last event of its streams.
    const last = new Map<number, bigint>();
    for await (const event of iterateAll(store)) {
      last.set(streamPartition(event.streamId, 4), event.position);
    }
    for (const p of status.partitions!) expect(p.position).toBe(last.get(p.partition) ?? 0n);
  });

  it(`${kind}: reports each partition's lag while paused, and a rebuild resets every partition`, async () => {
    await subscriptions.pause(COUNTERS);
    const expected = await countMany(8, 3);
    const paused = await subscriptions.statusOf(COUNTERS);
    expect(paused.state).toBe('stopped');
    expect(paused.lag).toBe(24);
    expect(paused.partitions!.reduce((sum, p) => sum + p.lag, 0)).toBe(24);
    expect(paused.partitions!.every((p) => p.state === 'stopped')).toBe(true);
    await subscriptions.resume(COUNTERS);
    await subscriptions.waitUntilCaughtUp([COUNTERS], { timeoutMs: 10_000 });
    expect(state.totals).toEqual(expected);

    await subscriptions.rebuild(COUNTERS);
    await until('the rebuild replays every partition', async () => {
      const status = await subscriptions.statusOf(COUNTERS);
      return status.state === 'caught-up' && state.handled.length === 24;
    });
    expect(state.totals).toEqual(expected);
    expect(new Set(state.handled).size).toBe(24);
  });

  it(`${kind}: parks in the partition of the stream, listed and retried by the subscriber's name`, async () => {
    state.poison = 5;
    await count('p', 1);
    const poisoned = await count('q', 5);
    await count('p', 2);
    await until('the poison is parked', async () => (await subscriptions.parked(PINGS)).length === 1);
    const [parked] = await subscriptions.parked(PINGS);
    expect(parked).toMatchObject({
      subscriber: PINGS,
      streamId: 'counter-q',
      partition: streamPartition('counter-q', 3),
    });
    expect((await subscriptions.parked()).find((p) => p.subscriber === PINGS)?.eventId).toBe(parked!.eventId);
    await subscriptions.waitUntilCaughtUp([PINGS], { timeoutMs: 10_000 });
    expect(state.pings.sort()).toEqual(['p:1', 'p:2']);
    expect((await subscriptions.statusOf(PINGS)).parked).toBe(1);

    state.poison = -1;
    expect(await subscriptions.retryParked(PINGS, parked!.eventId)).toBe('handled');
    expect(state.pings.sort()).toEqual(['p:1', 'p:2', 'q:5']);
    expect(await subscriptions.parked(PINGS)).toEqual([]);
    expect(poisoned.position).toBeGreaterThan(0n);
  });

  it(`${kind}: a debounced subscriber waits for more events, then takes them as one page`, async () => {
    await subscriptions.waitUntilCaughtUp(['debounced-pages']);
    state.pageSizes = [];
    for (let i = 0; i < 5; i++) await count(`d${i}`, 1);
    // Each arrival waits 1 s more for others: none is handled yet.
    expect(state.pageSizes).toEqual([]);
    await subscriptions.waitUntilCaughtUp(['debounced-pages'], { timeoutMs: 10_000 });
    expect(state.pageSizes.reduce((a, b) => a + b, 0)).toBe(5);
    // PostgreSQL hands a page to @OnPage at once (memory, event by event): one page, two at
    // most should an append have come more than a second after the one before.
    if (kind === 'postgres') expect(state.pageSizes.length).toBeLessThanOrEqual(2);
  });
});

async function* iterateAll(store: EventStore): AsyncIterable<EventEnvelope> {
  let after;
  for (;;) {
    const page = await store.readAll({ after, limit: 100 });
    if (page.events.length === 0) return;
    yield* page.events;
    after = page.cursor;
  }
}

describe('partition options', () => {
  it('refuses partitions on a saga, and bad partition and debounce options, naming the class', () => {
    expect(() => {
      @DurableSaga('partitioned-saga', { correlationKey: 'id', partitions: 2 })
      class PartitionedSaga {}
      return PartitionedSaga;
    }).toThrow(ConfigurationError);
    expect(() => {
      @Projection('bad-partitions', { partitions: 0 })
      class BadPartitions {}
      return BadPartitions;
    }).toThrow(/BadPartitions: partitions must be an integer of at least 1/);
    expect(() => {
      @DurableEventHandler('bad-debounce', { debounceMs: 500, maxWaitMs: 100 })
      class BadDebounce {}
      return BadDebounce;
    }).toThrow(/maxWaitMs \(100\) must be at least debounceMs \(500\)/);
  });

  it('routes a stream id the same way in JavaScript as the SQL of the PostgreSQL store', () => {
    // Values computed by PostgreSQL: ('x' || left(md5(id), 8))::bit(32)::bigint.
    expect(streamPartition('account-1', 2 ** 32)).toBe(3328685524);
    expect(streamPartition('zz', 2 ** 32)).toBe(636296139);
    expect(streamPartition('account-1', 4)).toBe(3328685524 % 4);
  });
});
