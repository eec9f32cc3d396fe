import { randomUUID } from 'node:crypto';
import { Module, type Type } from '@nestjs/common';
import {
  Command,
  CommandBus,
  CommandHandler,
  CqrsModule,
  EventsHandler,
  type ICommandHandler,
  type IEventHandler,
} from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { CommandRetry } from '../commands/command-retry.decorator';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { ConcurrencyError } from '../errors/concurrency-error';
import { ConfigurationError } from '../errors/configuration-error';
import { MissingEventHandlerError } from '../errors/missing-event-handler-error';
import { UnknownEventTypeError } from '../errors/unknown-event-type-error';
import { UpcastError } from '../errors/upcast-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import { Upcaster, type EventUpcaster } from '../events/upcaster.decorator';
import { EventStore } from '../store/event-store';
import { SnapshotStore } from '../store/snapshot-store';
import { Aggregate } from './aggregate.decorator';
import { AggregateRoot } from './aggregate-root';
import type { AggregateRepository } from './aggregate-repository';
import { Apply } from './apply.decorator';
import { getAggregateRepositoryToken, InjectAggregateRepository } from './inject-aggregate-repository.decorator';

@DomainEvent('counter.started')
class CounterStarted {
  constructor(
    readonly name: string,
    readonly at: Date,
  ) {}
}

/** Revision 3: `by`; revision 2 called it `step`; revision 1 stored it as text. */
@DomainEvent('counter.incremented', { revision: 3 })
class Incremented {
  constructor(readonly by: number) {}
}

@DomainEvent('counter.never-handled')
class NeverHandled {}

@Upcaster({ type: 'counter.incremented', fromRevision: 1 })
class IncrementedV1 implements EventUpcaster {
  upcast(data: unknown): unknown {
    const { step } = data as { step: string };
    if (step === 'boom') throw new Error('not a number');
    return { step: Number(step) };
  }
}

@Aggregate('counter')
class Counter extends AggregateRoot {
  name = '';
  value = 0;
  startedAt?: Date;
  marker?: string;

  start(name: string, at = new Date()): void {
    this.apply(new CounterStarted(name, at));
  }

  increment(by = 1): void {
    this.apply(new Incremented(by));
  }

  @Apply(CounterStarted)
  protected onStarted(event: CounterStarted): void {
    this.name = event.name;
    this.startedAt = event.at;
  }

  @Apply(Incremented)
  protected onIncremented(event: Incremented): void {
    this.value += event.by;
  }
}

@Aggregate('counter', { snapshots: { every: 10 } })
class SnapshottedCounter extends Counter {}

@Aggregate('counter', { snapshots: { every: 10 }, snapshotRevision: 2 })
class SnapshottedCounterV2 extends Counter {}

@Aggregate('counter', { snapshots: 'always' })
class AlwaysSnapshottedCounter extends Counter {}

class IncrementCounter extends Command<number> {
  readonly commandId = randomUUID();
  constructor(
    readonly id: string,
    readonly correlationId?: string,
  ) {
    super();
  }
}

class IncrementOnce extends IncrementCounter {}

abstract class IncrementBase {
  constructor(@InjectAggregateRepository(Counter) private readonly counters: AggregateRepository<Counter>) {}

  async execute({ id }: IncrementCounter): Promise<number> {
    const counter = await this.counters.load(id);
    await new Promise((resolve) => setImmediate(resolve)); // let the others load the same version
    counter.increment();
    return (await this.counters.save(counter)).version;
  }
}

@CommandHandler(IncrementCounter)
class IncrementCounterHandler extends IncrementBase implements ICommandHandler<IncrementCounter> {}

@CommandHandler(IncrementOnce)
@CommandRetry({ attempts: 1 })
class IncrementOnceHandler extends IncrementBase implements ICommandHandler<IncrementOnce> {}

const published: object[] = [];

@EventsHandler(Incremented, CounterStarted)
class PublishedEvents implements IEventHandler<object> {
  handle(event: object): void {
    published.push(event);
  }
}

@Module({
  imports: [
    EventSourcingModule.forFeature({
      aggregates: [Counter, SnapshottedCounter, SnapshottedCounterV2, AlwaysSnapshottedCounter],
      upcasters: [
        IncrementedV1,
        { type: 'counter.incremented', fromRevision: 2, upcast: (data) => ({ by: (data as { step: number }).step }) },
      ],
    }),
  ],
  providers: [IncrementCounterHandler, IncrementOnceHandler, PublishedEvents],
})
class CountersModule {}

describe.each(['memory', 'postgres'] as const)('AggregateRepository on the %s store', (kind) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;
  let counters: AggregateRepository<Counter>;
  let store: EventStore;

  const repository = <T extends AggregateRoot>(cls: Type<T>): AggregateRepository<T> =>
    moduleRef.get(getAggregateRepositoryToken(cls));
  const newId = (): string => randomUUID();

  beforeAll(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'aggregates') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({ database: database?.url ?? 'memory', commandRetry: { attempts: 10 } }),
        CountersModule,
      ],
    }).compile();
    await moduleRef.init();
    counters = repository(Counter);
    store = moduleRef.get(EventStore);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await database?.drop();
  });

  it('saves new events and loads the aggregate back, Dates included', async () => {
    const id = newId();
    const at = new Date('2026-03-04T05:06:07.089Z');
    const counter = new Counter(id);
    counter.start('visits', at);
    counter.increment(2);
    const saved = await counters.save(counter);
    expect(saved).toMatchObject({ version: 2, events: [expect.any(CounterStarted), expect.any(Incremented)] });
    expect(counter.version).toBe(2);
    expect(counter.getUncommittedEvents()).toEqual([]);

    const loaded = await counters.load(id);
    expect(loaded).toBeInstanceOf(Counter);
    expect(loaded).toMatchObject({ id, name: 'visits', value: 2, version: 2 });
    expect(loaded.startedAt).toEqual(at);
    expect(await counters.exists(id)).toBe(true);
    const [stored] = await store.readStream(counters.streamId(id));
    expect(stored).toMatchObject({
      type: 'counter.started',
      revision: 1,
      data: { name: 'visits', at: at.toISOString() },
    });
  });

  it('tells a missing aggregate apart: load throws, find and exists say no', async () => {
    const id = newId();
    await expect(counters.load(id)).rejects.toThrow(AggregateNotFoundError);
    await expect(counters.load(id)).rejects.toMatchObject({ code: 'ES_AGGREGATE_NOT_FOUND', aggregateId: id });
    expect(await counters.find(id)).toBeNull();
    expect(await counters.exists(id)).toBe(false);
  });

  it('refuses a stale save and a new aggregate over an existing stream, writing nothing', async () => {
    const id = newId();
    const first = new Counter(id);
    first.start('a');
    await counters.save(first);
    const [one, two] = [await counters.load(id), await counters.load(id)];
    one.increment();
    two.increment(5);
    await counters.save(one);
    await expect(counters.save(two)).rejects.toMatchObject({ code: 'ES_CONCURRENCY', expected: 1, actual: 2 });
    const again = new Counter(id);
    again.start('b');
    await expect(counters.save(again)).rejects.toThrow(ConcurrencyError);
    expect((await counters.load(id)).value).toBe(1);
    await expect(counters.load(id, { expectedVersion: 1 })).rejects.toMatchObject({ expected: 1, actual: 2 });
  });

  it('loads the state as it was at a version or a time', async () => {
    const id = newId();
    const counter = new Counter(id);
    counter.start('history');
    counter.increment(1);
    await counters.save(counter);
    const between = new Date();
    await new Promise((resolve) => setTimeout(resolve, 15));
    counter.increment(10);
    await counters.save(counter);
    expect((await counters.loadAt(id, { version: 2 })).value).toBe(1);
    expect((await counters.loadAt(id, { at: between })).value).toBe(1);
    expect((await counters.loadAt(id, { at: new Date() })).value).toBe(11);
    await expect(counters.loadAt(id, { at: new Date(0) })).rejects.toThrow(AggregateNotFoundError);
  });

  it('upcasts stored revisions through the chain, so handlers see the current shape', async () => {
    const id = newId();
    await store.append(`counter-${id}`, [
      { type: 'counter.started', data: { name: 'old', at: '2020-01-01T00:00:00.000Z' }, metadata: { $dates: ['at'] } },
      { type: 'counter.incremented', revision: 1, data: { step: '4' } },
      { type: 'counter.incremented', revision: 2, data: { step: 3 } },
      { type: 'counter.incremented', revision: 3, data: { by: 2 } },
    ]);
    const loaded = await counters.load(id);
    expect(loaded.value).toBe(9);
    expect(loaded.startedAt).toEqual(new Date('2020-01-01T00:00:00.000Z'));
  });

  it('names the event when an upcaster fails, is missing, or the revision is newer than the code', async () => {
    const failing = newId();
    const stored = await store.append(`counter-${failing}`, [
      { type: 'counter.incremented', revision: 1, data: { step: 'boom' } },
    ]);
    const [event] = await store.readStream(`counter-${failing}`);
    const error = (await counters.load(failing).catch((e: unknown) => e)) as UpcastError;
    expect(error).toBeInstanceOf(UpcastError);
    expect(error).toMatchObject({
      code: 'ES_UPCAST',
      eventId: event!.eventId,
      type: 'counter.incremented',
      revision: 1,
    });
    expect(error.message).toContain('IncrementedV1 failed: not a number');
    expect(error.cause).toBeInstanceOf(Error);
    expect(stored.streamVersion).toBe(1);

    const newer = newId();
    await store.append(`counter-${newer}`, [{ type: 'counter.incremented', revision: 4, data: { by: 1 } }]);
    await expect(counters.load(newer)).rejects.toThrow(/newer than Incremented, which is at revision 3/);
  });

  it('throws UnknownEventTypeError naming stream and version for a type with no class', async () => {
    const id = newId();
    await store.append(`counter-${id}`, [
      { type: 'counter.started', data: { name: 'x', at: null } },
      { type: 'counter.renamed', data: {} },
    ]);
    await expect(counters.load(id)).rejects.toMatchObject({
      code: 'ES_UNKNOWN_EVENT_TYPE',
      type: 'counter.renamed',
      streamId: `counter-${id}`,
      version: 2,
    });
    await expect(counters.load(id)).rejects.toThrow(UnknownEventTypeError);
  });

  it('reports an applied event class the aggregate has no handler for', () => {
    const counter = new Counter(newId());
    expect(() => counter.apply(new NeverHandled())).toThrow(MissingEventHandlerError);
    expect(() => counter.apply(new NeverHandled())).toThrow(
      'Counter applied NeverHandled but has no @Apply(NeverHandled)',
    );
  });

  it('snapshots every N events and loads from the snapshot; a new snapshot revision ignores old ones', async () => {
    const id = newId();
    const snapshotted = repository(SnapshottedCounter);
    const counter = new SnapshottedCounter(id);
    counter.start('snap');
    for (let i = 0; i < 24; i++) counter.increment();
    await snapshotted.save(counter);
    const snapshots = moduleRef.get(SnapshotStore);
    expect(await snapshots.load(`counter-${id}`)).toMatchObject({ version: 25, revision: 1, state: { value: 24 } });

    // Prove the load starts from the snapshot: mark it, and the mark comes back.
    const snapshot = (await snapshots.load(`counter-${id}`))!;
    await snapshots.save({ ...snapshot, state: { ...snapshot.state, marker: 'from snapshot' } });
    const loaded = await snapshotted.load(id);
    expect(loaded).toMatchObject({ value: 24, marker: 'from snapshot', version: 25 });
    expect(loaded.startedAt).toBeInstanceOf(Date);

    const v2 = await repository(SnapshottedCounterV2).load(id);
    expect(v2).toMatchObject({ value: 24, version: 25 });
    expect(v2.marker).toBeUndefined();

    // Loading an older version never uses a newer snapshot.
    expect((await snapshotted.loadAt(id, { version: 5 })).value).toBe(4);
  });

  it('skips the snapshot lookup while the stream is known to be below the snapshot interval', async () => {
    const id = newId();
    const snapshotted = repository(SnapshottedCounter);
    const counter = new SnapshottedCounter(id);
    counter.start('few');
    await snapshotted.save(counter);
    const lookups = jest.spyOn(moduleRef.get(SnapshotStore), 'load');
    try {
      expect((await snapshotted.load(id)).version).toBe(1);
      expect(lookups).not.toHaveBeenCalled();
      // A stream this process has not seen is looked up as usual.
      await expect(snapshotted.find(newId())).resolves.toBeNull();
      expect(lookups).toHaveBeenCalledTimes(1);
    } finally {
      lookups.mockRestore();
    }
  });

  it("snapshots on every save with 'always'", async () => {
    const id = newId();
    const always = repository(AlwaysSnapshottedCounter);
    const counter = new AlwaysSnapshottedCounter(id);
    counter.start('always');
    await always.save(counter);
    counter.increment();
    await always.save(counter);
    expect(await moduleRef.get(SnapshotStore).load(`counter-${id}`)).toMatchObject({ version: 2, state: { value: 1 } });
  });

  it('publishes committed events to the @nestjs/cqrs EventBus, as instances', async () => {
    published.length = 0;
    const counter = new Counter(newId());
    counter.start('published');
    await counters.save(counter);
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toEqual([expect.any(CounterStarted)]);
  });

  it('retries a handler on ConcurrencyError, so concurrent commands lose no update', async () => {
    const id = newId();
    const counter = new Counter(id);
    counter.start('busy');
    await counters.save(counter);
    const bus = moduleRef.get(CommandBus);
    await Promise.all(Array.from({ length: 8 }, () => bus.execute(new IncrementCounter(id))));
    expect((await counters.load(id)).value).toBe(8);
  });

  it('does not retry a handler that opts out with @CommandRetry({ attempts: 1 })', async () => {
    const id = newId();
    const counter = new Counter(id);
    counter.start('once');
    await counters.save(counter);
    const bus = moduleRef.get(CommandBus);
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => bus.execute(new IncrementOnce(id))));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(ConcurrencyError);
    expect((await counters.load(id)).value).toBe(4 - rejected.length);
  });

  it("writes the command's correlation id and its id as causation id into every event", async () => {
    const id = newId();
    const counter = new Counter(id);
    counter.start('traced');
    await counters.save(counter);
    const command = new IncrementCounter(id, 'corr-42');
    await moduleRef.get(CommandBus).execute(command);
    const events = await store.readStream(`counter-${id}`);
    expect(events[1]!.metadata).toMatchObject({ correlationId: 'corr-42', causationId: command.commandId });
    expect(events[0]!.metadata.correlationId).toEqual(expect.any(String));
  });
});

describe('EventSourcingModule.forFeature at bootstrap', () => {
  it('fails naming both classes when two claim one event type name', async () => {
    @DomainEvent('clash.happened')
    class First {}
    @DomainEvent('clash.happened')
    class Second {}
    @Aggregate('clash')
    class Clash extends AggregateRoot {
      @Apply(First) protected a(): void {}
      @Apply(Second) protected b(): void {}
    }
    const attempt = Test.createTestingModule({
      imports: [
        EventSourcingModule.forRoot({ database: 'memory' }),
        EventSourcingModule.forFeature({ aggregates: [Clash] }),
      ],
    }).compile();
    await expect(attempt).rejects.toThrow(ConfigurationError);
    await expect(attempt).rejects.toThrow(/"clash.happened" is claimed by two classes: First .* and Second/);
  });

  it('fails naming the class when an aggregate or an applied event lacks its decorator', async () => {
    class Plain extends AggregateRoot {}
    class Undecorated {}
    @Aggregate('half')
    class Half extends AggregateRoot {
      @Apply(Undecorated) protected a(): void {}
    }
    for (const [aggregate, message] of [
      [Plain, /Plain is registered as an aggregate but has no @Aggregate/],
      [Half, /Undecorated is used by Half but has no @DomainEvent/],
    ] as const) {
      const attempt = Test.createTestingModule({
        imports: [
          EventSourcingModule.forRoot({ database: 'memory' }),
          EventSourcingModule.forFeature({ aggregates: [aggregate] }),
        ],
      }).compile();
      await expect(attempt).rejects.toThrow(message);
    }
  });
});
