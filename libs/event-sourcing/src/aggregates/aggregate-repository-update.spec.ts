import { randomUUID } from 'node:crypto';
import { Command, CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { ConcurrencyError } from '../errors/concurrency-error';
import { DomainError } from '../errors/domain-error';
import { TransactionConflictError } from '../errors/transaction-conflict-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import { EventStore } from '../store/event-store';
import { Aggregate } from './aggregate.decorator';
import { AggregateRoot } from './aggregate-root';
import type { AggregateRepository } from './aggregate-repository';
import type { Saved } from './aggregate-repository-types';
import { Apply } from './apply.decorator';
import { getAggregateRepositoryToken, InjectAggregateRepository } from './inject-aggregate-repository.decorator';

@DomainEvent('tally.opened')
class TallyOpened {
  constructor(readonly name: string) {}
}

@DomainEvent('tally.counted')
class TallyCounted {
  constructor(readonly by: number) {}
}

class PositiveCountError extends DomainError {
  constructor(by: number) {
    super('positive-count', `Count by 1 or more, not ${by}.`);
  }
}

@Aggregate('tally')
class Tally extends AggregateRoot {
  name = '';
  total = 0;

  open(name: string): void {
    this.apply(new TallyOpened(name));
  }

  count(by: number): void {
    if (by < 1) throw new PositiveCountError(by);
    this.apply(new TallyCounted(by));
  }

  @Apply(TallyOpened)
  protected onOpened(event: TallyOpened): void {
    this.name = event.name;
  }

  @Apply(TallyCounted)
  protected onCounted(event: TallyCounted): void {
    this.total += event.by;
  }
}

class CountTally extends Command<number> {
  constructor(readonly id: string) {
    super();
  }
}

/** A handler as short as update makes it: concurrent ones retry on their own. */
@CommandHandler(CountTally)
class CountTallyHandler implements ICommandHandler<CountTally> {
  constructor(@InjectAggregateRepository(Tally) private readonly tallies: AggregateRepository<Tally>) {}

  async execute({ id }: CountTally): Promise<number> {
    const { aggregate } = await this.tallies.update(id, async (tally) => {
      await new Promise((resolve) => setImmediate(resolve)); // let the others load the same version
      tally.count(1);
    });
    return aggregate.total;
  }
}

class FlakyCommand extends Command<number> {}

/** Loses a deadlock once (as a transaction victim would), then succeeds. */
@CommandHandler(FlakyCommand)
class FlakyHandler implements ICommandHandler<FlakyCommand> {
  static runs = 0;
  async execute(): Promise<number> {
    FlakyHandler.runs++;
    if (FlakyHandler.runs === 1) throw new TransactionConflictError();
    return FlakyHandler.runs;
  }
}

describe.each(['memory', 'postgres'] as const)('AggregateRepository.create and update on the %s store', (kind) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;
  let tallies: AggregateRepository<Tally>;

  beforeAll(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'repository_update') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({ database: database?.url ?? 'memory' }),
        EventSourcingModule.forFeature({ aggregates: [Tally] }),
      ],
      providers: [CountTallyHandler, FlakyHandler],
    }).compile();
    await moduleRef.init();
    tallies = moduleRef.get(getAggregateRepositoryToken(Tally));
  });
  afterAll(async () => {
    await moduleRef?.close();
    await database?.drop();
  });

  it('creates an aggregate and answers what it saved with the aggregate', async () => {
    const id = randomUUID();
    const saved: Saved<Tally> = await tallies.create(id, (tally) => tally.open('votes'));
    expect(saved).toMatchObject({ version: 1, events: [new TallyOpened('votes')] });
    expect(typeof saved.position).toBe('bigint');
    expect(saved.aggregate).toMatchObject({ id, name: 'votes', version: 1 });
  });

  it('refuses to create an id that exists, and writes nothing', async () => {
    const id = randomUUID();
    await tallies.create(id, (tally) => tally.open('first'));
    await expect(tallies.create(id, (tally) => tally.open('second'))).rejects.toThrow(ConcurrencyError);
    expect((await tallies.load(id)).name).toBe('first');
  });

  it('updates: loads, decides, saves at the loaded version', async () => {
    const id = randomUUID();
    await tallies.create(id, (tally) => tally.open('votes'));
    const saved = await tallies.update(id, (tally) => tally.count(3));
    expect(saved).toMatchObject({ version: 2, aggregate: { total: 3 } });
    expect((await tallies.load(id)).total).toBe(3);
  });

  it('honours expectedVersion (an If-Match), and passes metadata to the events', async () => {
    const id = randomUUID();
    await tallies.create(id, (tally) => tally.open('votes'));
    await expect(tallies.update(id, (tally) => tally.count(1), { expectedVersion: 7 })).rejects.toMatchObject({
      code: 'ES_CONCURRENCY',
      retryable: false,
    });
    await tallies.update(id, (tally) => tally.count(1), { expectedVersion: 1, metadata: { userId: 'ada' } });
    const [, counted] = await moduleRef.get(EventStore).readStream(tallies.streamId(id));
    expect(counted!.metadata).toMatchObject({ userId: 'ada' });
  });

  it('writes nothing when the decision throws, and fails for an unknown id', async () => {
    const id = randomUUID();
    await tallies.create(id, (tally) => tally.open('votes'));
    await expect(tallies.update(id, (tally) => tally.count(0))).rejects.toThrow(PositiveCountError);
    expect((await tallies.load(id)).version).toBe(1);
    await expect(tallies.update(randomUUID(), (tally) => tally.count(1))).rejects.toThrow(AggregateNotFoundError);
  });

  it('counts every one of 20 concurrent commands through update, retried on conflicts', async () => {
    const id = randomUUID();
    await tallies.create(id, (tally) => tally.open('votes'));
    const bus = moduleRef.get(CommandBus);
    await Promise.all(Array.from({ length: 20 }, () => bus.execute(new CountTally(id))));
    expect((await tallies.load(id)).total).toBe(20);
  });

  it('runs a handler again when its transaction lost a deadlock (it wrote nothing)', async () => {
    FlakyHandler.runs = 0;
    await expect(moduleRef.get(CommandBus).execute(new FlakyCommand())).resolves.toBe(2);
  });
});
