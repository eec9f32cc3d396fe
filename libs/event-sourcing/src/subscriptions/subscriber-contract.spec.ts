import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Entity, PrimaryColumn } from 'typeorm';
import { captureLogs, type CapturedLogs } from '../../../../test/support/captured-logs';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import { WaitTimeoutError } from '../errors/wait-timeout-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import type { DurableHandlerContext, ProjectionContext } from '../projections/projection-context';
import { Projection, type ProjectionReset } from '../projections/projection.decorator';
import { EventStore } from '../store/event-store';
import { DurableEventHandler } from './durable-event-handler.decorator';
import { On } from './on.decorator';
import { Subscriptions } from './subscriptions';
import { pollUntil } from './wait-for-cursor';

// One contract for durable subscribers, run on PostgreSQL and on `database: 'memory'`:
// subscribers that keep their state in a provider, so they need no entity manager.

@DomainEvent('contract.counted')
class Counted {
  constructor(
    readonly counter: string,
    readonly by: number,
  ) {}
}

@DomainEvent('contract.pinged')
class Pinged {
  constructor(readonly text: string) {}
}

/** The subscribers' state and the test's knobs: a provider, fresh in each module. */
@Injectable()
class ContractState {
  readonly totals = new Map<string, number>();
  readonly pings: string[] = [];
  readonly inlinePings: string[] = [];
  /** Counts by this amount fail (projection), pings saying "boom" fail (handler), while set. */
  failing = false;
  poison = 13;
  projectionTries = 0;
  handlerTries = 0;
  replayed = 0;
}

@Projection('contract-counters', { maxAttempts: 3, retryBackoffMs: 5 })
@Injectable()
class CountersProjection implements ProjectionReset {
  constructor(private readonly state: ContractState) {}

  @On(Counted)
  counted({ data }: EventEnvelope<Counted>, { replaying }: ProjectionContext): void {
    if (replaying) this.state.replayed++;
    if (this.state.failing && data.by === this.state.poison) {
      this.state.projectionTries++;
      throw new Error(`count by ${data.by} is poison`);
    }
    this.state.totals.set(data.counter, (this.state.totals.get(data.counter) ?? 0) + data.by);
  }

  async reset(): Promise<void> {
    this.state.totals.clear();
  }
}

@Projection('contract-inline-pings', { mode: 'inline' })
@Injectable()
class InlinePingsProjection {
  constructor(private readonly state: ContractState) {}

  @On(Pinged)
  pinged({ data }: EventEnvelope<Pinged>): void {
    if (data.text === 'reject') throw new Error('pings saying "reject" are refused');
    this.state.inlinePings.push(data.text);
  }
}

@DurableEventHandler('contract-pings', { maxAttempts: 2, retryBackoffMs: 5 })
@Injectable()
class PingRecorder {
  constructor(private readonly state: ContractState) {}

  @On(Pinged)
  pinged({ data }: EventEnvelope<Pinged>, { attempt }: DurableHandlerContext): void {
    if (this.state.failing && data.text === 'boom') {
      this.state.handlerTries++;
      throw new Error(`boom on try ${attempt}`);
    }
    this.state.pings.push(data.text);
  }
}

const COUNTERS = 'contract-counters';
const PINGS = 'contract-pings';

/** Polls until `check` holds, failing the test after a deadline. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  if (!(await pollUntil(Date.now() + timeoutMs, async () => check()))) throw new Error(`timed out waiting: ${what}`);
}

describe.each([
  ['memory', 'database: memory'],
  ['postgres', 'PostgreSQL'],
] as const)('durable subscribers (%s store)', (kind, title) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;
  let store: EventStore;
  let subscriptions: Subscriptions;
  let state: ContractState;
  let logs: CapturedLogs;

  beforeEach(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'contract') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        EventSourcingModule.forRoot({
          database: database?.url ?? 'memory',
          batchSize: 100,
          subscriptions: {
            // In memory, a poll too slow for any test: only the append signal wakes the subscribers
            // in time. PostgreSQL polls, as a transaction open on the shared server (another suite's)
            // hides events and ends with no wake-up; its wake-up is in subscriptions.spec.ts.
            pollIntervalMs: kind === 'memory' ? 60_000 : 200,
            leaseRetryMs: 200,
            maxBackoffMs: 300,
          },
        }),
      ],
      providers: [ContractState, CountersProjection, InlinePingsProjection, PingRecorder],
    }).compile();
    // Nest's testing logger is installed by compile: take its lines from here on.
    logs = captureLogs();
    await moduleRef.init();
    store = moduleRef.get(EventStore);
    subscriptions = moduleRef.get(Subscriptions);
    state = moduleRef.get(ContractState);
  });

  afterEach(async () => {
    await moduleRef.close();
    await database?.drop();
    logs.restore();
  });

  const count = (counter: string, by: number) =>
    store.append(`counter-${counter}`, [{ type: 'contract.counted', data: { counter, by } }]);
  const ping = (text: string) => store.append('pings-1', [{ type: 'contract.pinged', data: { text } }]);

  it(`${title}: catches up from the start of the store, in batches`, async () => {
    await subscriptions.pause(COUNTERS);
    const expected = new Map<string, number>();
    for (let i = 0; i < 250; i++) {
      await count(`c${i % 5}`, i + 1);
      expected.set(`c${i % 5}`, (expected.get(`c${i % 5}`) ?? 0) + i + 1);
    }
    expect(state.totals.size).toBe(0);
    expect(await subscriptions.statusOf(COUNTERS)).toMatchObject({ state: 'stopped', lag: 250 });

    await subscriptions.resume(COUNTERS);
    await subscriptions.waitUntilCaughtUp();

    expect(state.totals).toEqual(expected);
    const status = await subscriptions.statusOf(COUNTERS);
    expect(status).toMatchObject({ kind: 'projection', state: 'caught-up', lag: 0, parked: 0 });
    expect(status.position).toBe(status.head);
    expect(status.instance).toMatchObject({ local: true });
  });

  it(`${title}: handles live events at once, woken by the append, and waitFor reads its own write`, async () => {
    const first = await count('a', 2);
    await subscriptions.waitFor(COUNTERS, first.position, { timeoutMs: 3_000 });
    expect(state.totals.get('a')).toBe(2);

    const pinged = await ping('hello');
    const second = await count('a', 3);
    await subscriptions.waitFor(PINGS, pinged.position, { timeoutMs: 3_000 });
    await subscriptions.waitFor(COUNTERS, second.position, { timeoutMs: 3_000 });
    expect(state.pings).toEqual(['hello']);
    expect(state.totals.get('a')).toBe(5);
    // An event of a type it does not read moves it too (up to the horizon): every subscriber is caught up.
    await subscriptions.waitUntilCaughtUp(undefined, { timeoutMs: 3_000 });
    expect((await subscriptions.status()).map((s) => [s.name, s.state, s.lag])).toEqual([
      [COUNTERS, 'caught-up', 0],
      [PINGS, 'caught-up', 0],
    ]);
  });

  it(`${title}: waitFor a position not stored yet times out`, async () => {
    const { position } = await count('a', 1);
    await expect(subscriptions.waitFor(COUNTERS, position + 10n, { timeoutMs: 200 })).rejects.toThrow(WaitTimeoutError);
  });

  it(`${title}: runs an inline projection kept in a provider, and one that throws rolls the append back`, async () => {
    await ping('one');
    expect(state.inlinePings).toEqual(['one']);
    await expect(ping('reject')).rejects.toThrow('refused');
    expect(state.inlinePings).toEqual(['one']);
    expect((await store.readStream('pings-1')).map((e) => (e.data as { text: string }).text)).toEqual(['one']);
  });

  it(`${title}: retries a failing event, then parks it and stops the projection at it until it is retried`, async () => {
    state.failing = true;
    // Handled first: PostgreSQL would roll a page back, but not the provider's state.
    await subscriptions.waitFor(COUNTERS, (await count('a', 1)).position);
    const poison = await count('a', 13);
    await count('a', 2);
    await until('parked', async () => (await subscriptions.statusOf(COUNTERS)).state === 'parked');

    expect(state.projectionTries).toBe(3);
    expect(state.totals.get('a')).toBe(1);
    const parked = await subscriptions.parked(COUNTERS);
    expect(parked).toEqual([
      expect.objectContaining({
        subscriber: COUNTERS,
        type: 'contract.counted',
        position: poison.position,
        attempts: 3,
      }),
    ]);
    expect(parked[0]!.error).toContain('poison');
    expect(await subscriptions.statusOf(COUNTERS)).toMatchObject({
      parked: 1,
      lastError: { message: expect.stringContaining('poison') },
    });
    expect(logs.at('error')).toEqual([expect.stringContaining('stopped until it is retried or dismissed')]);

    state.failing = false;
    await expect(subscriptions.retryParked(COUNTERS, parked[0]!.eventId)).resolves.toBe('resumed');
    await subscriptions.waitUntilCaughtUp([COUNTERS]);
    expect(state.totals.get('a')).toBe(16);
    expect(await subscriptions.parked()).toEqual([]);
    expect((await subscriptions.statusOf(COUNTERS)).state).toBe('caught-up');
  });

  it(`${title}: dismissing the event a projection stopped at moves past it`, async () => {
    state.failing = true;
    await count('a', 13);
    await count('a', 2);
    await until('parked', async () => (await subscriptions.statusOf(COUNTERS)).state === 'parked');

    const [parked] = await subscriptions.parked(COUNTERS);
    await subscriptions.dismissParked(COUNTERS, parked!.eventId);
    await subscriptions.waitUntilCaughtUp([COUNTERS]);
    expect(state.totals.get('a')).toBe(2);
    expect(await subscriptions.parked(COUNTERS)).toEqual([]);
  });

  it(`${title}: a durable handler parks a failing event and goes on; retryParked handles it later`, async () => {
    state.failing = true;
    await ping('boom');
    const after = await ping('after');
    await subscriptions.waitFor(PINGS, after.position);

    expect(state.handlerTries).toBe(2);
    expect(state.pings).toEqual(['after']);
    const [parked] = await subscriptions.parked(PINGS);
    expect(parked).toMatchObject({ subscriber: PINGS, type: 'contract.pinged', attempts: 2 });
    expect((await subscriptions.statusOf(PINGS)).state).toBe('caught-up');

    // Still failing: it stays parked, its tries added up.
    await expect(subscriptions.retryParked(PINGS, parked!.eventId)).rejects.toThrow('boom on try 3');
    expect(await subscriptions.parked(PINGS)).toEqual([expect.objectContaining({ attempts: 3 })]);

    state.failing = false;
    await expect(subscriptions.retryParked(PINGS, parked!.eventId)).resolves.toBe('handled');
    expect(state.pings).toEqual(['after', 'boom']);
    expect(await subscriptions.parked(PINGS)).toEqual([]);

    state.failing = true;
    await ping('boom');
    await until('parked again', async () => (await subscriptions.parked(PINGS)).length === 1);
    await subscriptions.dismissParked(PINGS, (await subscriptions.parked(PINGS))[0]!.eventId);
    expect(await subscriptions.parked(PINGS)).toEqual([]);
  });

  it(`${title}: a paused subscriber handles nothing until resumed`, async () => {
    await subscriptions.pause(PINGS);
    const { position } = await ping('later');
    await expect(subscriptions.waitFor(PINGS, position, { timeoutMs: 300 })).rejects.toThrow(WaitTimeoutError);
    expect(state.pings).toEqual([]);
    expect((await subscriptions.statusOf(PINGS)).state).toBe('stopped');

    await subscriptions.resume(PINGS);
    await subscriptions.waitFor(PINGS, position);
    expect(state.pings).toEqual(['later']);
  });

  it(`${title}: rebuilds a projection: resets its state and replays every event into it`, async () => {
    for (let i = 1; i <= 120; i++) await count(`c${i % 3}`, i);
    await subscriptions.waitUntilCaughtUp([COUNTERS]);
    const before = new Map(state.totals);
    state.totals.set('stale', 99);

    await subscriptions.rebuild(COUNTERS);
    await until('rebuilt', async () => {
      const status = await subscriptions.statusOf(COUNTERS);
      return status.state === 'caught-up' && state.replayed === 120;
    });

    expect(state.totals).toEqual(before);
    await expect(subscriptions.rebuild(PINGS)).rejects.toThrow(UnsupportedOperationError);
  });
});

@Entity('contract_views')
class ContractView {
  @PrimaryColumn()
  id!: string;
}

@Projection('contract-views', { readModels: [ContractView] })
@Injectable()
class ViewsProjection {
  @On(Counted)
  async counted({ data }: EventEnvelope<Counted>, { manager }: ProjectionContext): Promise<void> {
    await manager.insert(ContractView, { id: data.counter });
  }
}

/** Keeps no read models, but writes through the manager: parked in memory, with a reason. */
@Projection('contract-sql', { maxAttempts: 1, onFailure: 'skip' })
@Injectable()
class SqlProjection {
  @On(Counted)
  async counted(_event: EventEnvelope<Counted>, { manager }: ProjectionContext): Promise<void> {
    await manager.query('SELECT 1');
  }
}

describe('durable subscribers under database: memory, beyond the contract', () => {
  it('parks the event of a projection that uses its entity manager, saying there is none', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [EventSourcingModule.forRoot({ database: 'memory' })],
      providers: [SqlProjection],
    }).compile();
    const logs = captureLogs();
    try {
      await moduleRef.init();
      await moduleRef
        .get(EventStore)
        .append('counter-y', [{ type: 'contract.counted', data: { counter: 'y', by: 1 } }]);
      const subscriptions = moduleRef.get(Subscriptions);
      await until('parked', async () => (await subscriptions.parked('contract-sql')).length === 1);
      const [parked] = await subscriptions.parked('contract-sql');
      expect(parked!.error).toBe(
        "SqlProjection used its entity manager (manager.query), but database: 'memory' has none: keep the projection's state in a provider to run it in memory, or run it on PostgreSQL.",
      );
      expect(logs.at('error')).toEqual([expect.stringContaining('manager.query')]);
    } finally {
      await moduleRef.close();
      logs.restore();
    }
  });

  it('names the TypeORM projections it does not run, and refuses to rebuild such a projection', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [EventSourcingModule.forRoot({ database: 'memory' })],
      providers: [ViewsProjection],
    }).compile();
    const logs = captureLogs();
    try {
      await moduleRef.init();
      const subscriptions = moduleRef.get(Subscriptions);
      expect(logs.at('warn')).toEqual([
        expect.stringContaining(
          "database: 'memory' does not run ViewsProjection (projection): projections that keep TypeORM read models need PostgreSQL.",
        ),
      ]);
      // Not run, so its handler never meets the missing manager: an append just works.
      await moduleRef
        .get(EventStore)
        .append('counter-x', [{ type: 'contract.counted', data: { counter: 'x', by: 1 } }]);
      expect((await subscriptions.statusOf('contract-views')).state).toBe('stopped');
      await expect(subscriptions.rebuild('contract-views')).rejects.toThrow(
        "ViewsProjection keeps TypeORM read models; rebuilding it needs PostgreSQL, not database: 'memory'.",
      );
    } finally {
      await moduleRef.close();
      logs.restore();
    }
  });
});
