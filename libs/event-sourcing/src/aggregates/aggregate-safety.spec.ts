import { Module } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { ConcurrencyError } from '../errors/concurrency-error';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { InvalidStreamIdError } from '../errors/invalid-stream-id-error';
import { UnsavedEventsError } from '../errors/unsaved-events-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import { EventStore } from '../store/event-store';
import { SnapshotStore } from '../store/snapshot-store';
import { Aggregate } from './aggregate.decorator';
import { AggregateRoot } from './aggregate-root';
import type { AggregateRepository } from './aggregate-repository';
import { Apply } from './apply.decorator';
import { getAggregateRepositoryToken, InjectAggregateRepository } from './inject-aggregate-repository.decorator';

@DomainEvent('tagged.tag-added')
class TagAdded {
  constructor(readonly tag: string) {}
}

@Aggregate('tagged', { snapshots: 'always' })
class Tagged extends AggregateRoot {
  tags = new Map<string, number>();

  add(tag: string): void {
    this.apply(new TagAdded(tag));
  }

  @Apply(TagAdded)
  protected onAdded({ tag }: TagAdded): void {
    this.tags.set(tag, (this.tags.get(tag) ?? 0) + 1);
  }
}

const calls = { stale: 0, twoSaves: 0 };

class AddWithVersion extends Command<void> {
  constructor(
    readonly id: string,
    readonly expectedVersion: number,
  ) {
    super();
  }
}

@CommandHandler(AddWithVersion)
class AddWithVersionHandler implements ICommandHandler<AddWithVersion> {
  constructor(@InjectAggregateRepository(Tagged) private readonly repository: AggregateRepository<Tagged>) {}

  async execute({ id, expectedVersion }: AddWithVersion): Promise<void> {
    calls.stale++;
    const tagged = await this.repository.load(id, { expectedVersion });
    tagged.add('x');
    await this.repository.save(tagged);
  }
}

class SaveTwo extends Command<void> {
  constructor(
    readonly first: string,
    readonly second: string,
  ) {
    super();
  }
}

@CommandHandler(SaveTwo)
class SaveTwoHandler implements ICommandHandler<SaveTwo> {
  constructor(@InjectAggregateRepository(Tagged) private readonly repository: AggregateRepository<Tagged>) {}

  async execute({ first, second }: SaveTwo): Promise<void> {
    calls.twoSaves++;
    const a = await this.repository.load(first);
    a.add('a');
    await this.repository.save(a);
    const b = new Tagged(second); // a new aggregate over an existing stream: always a conflict
    b.add('b');
    await this.repository.save(b);
  }
}

@Module({
  imports: [EventSourcingModule.forFeature({ aggregates: [Tagged] })],
  providers: [AddWithVersionHandler, SaveTwoHandler],
})
class TaggedModule {}

describe('aggregates: what must not go wrong quietly', () => {
  let moduleRef: TestingModule;
  let tagged: AggregateRepository<Tagged>;

  const existing = async (id: string): Promise<Tagged> => {
    const aggregate = new Tagged(id);
    aggregate.add('first');
    await tagged.save(aggregate);
    return aggregate;
  };

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [CqrsModule.forRoot(), EventSourcingModule.forRoot({ database: 'memory' }), TaggedModule],
    }).compile();
    await moduleRef.init();
    tagged = moduleRef.get(getAggregateRepositoryToken(Tagged));
  });

  afterAll(() => moduleRef.close());

  it('refuses commit() and autoCommit while events are unsaved, which would publish them unstored', () => {
    const aggregate = new Tagged('t-commit');
    aggregate.add('x');
    expect(() => aggregate.commit()).toThrow(UnsavedEventsError);
    expect(() => {
      aggregate.autoCommit = true;
    }).toThrow(/call AggregateRepository.save/);
    expect(aggregate.getUncommittedEvents()).toHaveLength(1);
  });

  it('allows commit() after a save, as @nestjs/cqrs code does', async () => {
    const aggregate = await existing('t-after');
    expect(() => aggregate.commit()).not.toThrow();
  });

  it('does not run a handler again for a stale version that came from the caller', async () => {
    await existing('t-stale');
    calls.stale = 0;
    const error = await moduleRef
      .get(CommandBus)
      .execute(new AddWithVersion('t-stale', 7))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect((error as ConcurrencyError).retryable).toBe(false);
    expect(calls.stale).toBe(1);
  });

  it('does not run a handler again once one of its saves has been stored', async () => {
    await existing('t-one');
    await existing('t-two');
    calls.twoSaves = 0;
    await expect(moduleRef.get(CommandBus).execute(new SaveTwo('t-one', 't-two'))).rejects.toThrow(ConcurrencyError);
    expect(calls.twoSaves).toBe(1);
    expect((await tagged.load('t-one')).version).toBe(2);
  });

  it('gives events of a command without an id a causation id of their own', async () => {
    await existing('t-cause');
    await moduleRef.get(CommandBus).execute(new AddWithVersion('t-cause', 1));
    const [, second] = await moduleRef.get(EventStore).readStream('tagged-t-cause');
    expect(second!.metadata.causationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('takes no snapshot of state that JSON would change, and still loads right', async () => {
    const aggregate = await existing('t-map');
    aggregate.add('first');
    await tagged.save(aggregate);
    expect(await moduleRef.get(SnapshotStore).load('tagged-t-map')).toBeUndefined();
    expect((await tagged.load('t-map')).tags.get('first')).toBe(2);
  });

  it('rejects bad ids and bad points in time with a code', async () => {
    expect(() => tagged.streamId('')).toThrow(InvalidStreamIdError);
    await expect(tagged.load('  ')).rejects.toMatchObject({ code: 'ES_INVALID_STREAM_ID' });
    await existing('t-time');
    await expect(tagged.loadAt('t-time', { at: new Date('garbage') })).rejects.toThrow(InvalidQueryError);
    await expect(tagged.loadAt('t-time', { version: 0 })).rejects.toThrow(InvalidQueryError);
    await expect(tagged.loadAt('t-time', { version: 99 })).rejects.toThrow(/only at version 1/);
  });
});
