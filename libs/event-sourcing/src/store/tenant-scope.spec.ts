import { randomUUID } from 'node:crypto';
import { CqrsModule } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { Aggregate } from '../aggregates/aggregate.decorator';
import type { AggregateRepository } from '../aggregates/aggregate-repository';
import { AggregateRoot } from '../aggregates/aggregate-root';
import { Apply } from '../aggregates/apply.decorator';
import { getAggregateRepositoryToken } from '../aggregates/inject-aggregate-repository.decorator';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { StreamNotFoundError } from '../errors/stream-not-found-error';
import { DomainEvent } from '../events/domain-event.decorator';
import { MessageContext } from '../events/message-context';
import { EventSourcingModule } from '../event-sourcing.module';
import { DurableEventHandler } from '../subscriptions/durable-event-handler.decorator';
import { On } from '../subscriptions/on.decorator';
import { Subscriptions } from '../subscriptions/subscriptions';
import type { EventEnvelope } from '../events/event-envelope';
import { Injectable } from '@nestjs/common';
import { EventStore, START_OF_STORE } from './event-store';

@DomainEvent('note.written')
class NoteWritten {
  constructor(readonly text: string) {}
}

@Aggregate('note')
class Note extends AggregateRoot {
  texts: string[] = [];
  write(text: string): void {
    this.apply(new NoteWritten(text));
  }
  @Apply(NoteWritten) onWritten(event: NoteWritten): void {
    this.texts.push(event.text);
  }
}

/** Records, for each note, the tenant its handling ran for. */
@Injectable()
@DurableEventHandler('note-tenants')
class NoteTenants {
  readonly seen = new Map<string, string | undefined>();
  constructor(private readonly context: MessageContext) {}
  @On(NoteWritten) written(event: EventEnvelope<NoteWritten>): void {
    this.seen.set(event.data.text, this.context.current()?.tenantId);
  }
}

// Isolation by construction: each read of the store, made for one tenant, sees that
// tenant's streams alone; the other tenant's are absent, not forbidden.
describe.each(['memory', 'postgres'] as const)('the store scoped by tenant (%s)', (kind) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;
  let store: EventStore;
  let notes: AggregateRepository<Note>;
  let context: MessageContext;
  const run = <T>(tenantId: string | undefined, work: () => Promise<T>): Promise<T> =>
    context.run({ correlationId: randomUUID(), ...(tenantId ? { tenantId } : {}) }, work);
  const [acme, globex] = ['acme', 'globex'];
  let acmeStream: string;
  let globexStream: string;
  const tag = `batch:${randomUUID()}`;

  beforeAll(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'tenants') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({ database: database?.url ?? 'memory', tenancy: true, warmAggregates: 100 }),
        EventSourcingModule.forFeature({ aggregates: [Note] }),
      ],
      providers: [NoteTenants],
    }).compile();
    await moduleRef.init();
    store = moduleRef.get(EventStore);
    context = moduleRef.get(MessageContext);
    notes = moduleRef.get(getAggregateRepositoryToken(Note));
    acmeStream = `note-${randomUUID()}`;
    globexStream = `note-${randomUUID()}`;
    const write = (text: string) => [{ type: 'note.written', data: { text }, tags: [tag] }];
    await run(acme, () => store.append(acmeStream, write('acme secret'), { expectedVersion: 'no_stream' }));
    lastPosition = (
      await run(globex, () => store.append(globexStream, write('globex secret'), { expectedVersion: 'no_stream' }))
    ).position;
  });
  let lastPosition: bigint;
  afterAll(async () => {
    await moduleRef?.close();
    await database?.drop();
  });

  it('hands each event to a durable handler in the context of its tenant', async () => {
    await moduleRef.get(Subscriptions).waitFor('note-tenants', lastPosition, { timeoutMs: 10_000 });
    const seen = moduleRef.get(NoteTenants).seen;
    expect([seen.get('acme secret'), seen.get('globex secret')]).toEqual([acme, globex]);
  });

  it("stamps each append with its tenant's id", async () => {
    const [event] = await run(undefined, () => store.readStream(acmeStream));
    expect(event!.metadata.tenantId).toBe(acme);
  });

  it("reads another tenant's stream as empty and absent: readStream, iterateStream, describeStream, streamVersion", async () => {
    await run(globex, async () => {
      expect(await store.readStream(acmeStream)).toEqual([]);
      const iterated = [];
      for await (const event of store.iterateStream(acmeStream)) iterated.push(event);
      expect(iterated).toEqual([]);
      expect(await store.describeStream(acmeStream)).toBeUndefined();
      expect(await store.streamVersion(acmeStream)).toBe(0);
      expect(await store.readStream(globexStream)).toHaveLength(1);
      expect((await store.describeStream(globexStream))?.version).toBe(1);
    });
  });

  it("keeps another tenant's events out of queryEvents, readAll and readMatching", async () => {
    await run(globex, async () => {
      const texts = (events: { data: unknown }[]) => events.map((e) => (e.data as { text: string }).text);
      expect(texts(await store.queryEvents({ tags: [tag] }))).toEqual(['globex secret']);
      expect(await store.queryEvents({ tags: [tag], tenantId: acme })).toEqual([]);
      expect(texts(await store.queryEvents({ any: [{ tags: [tag] }, { tenantId: acme }] }))).toEqual(['globex secret']);
      expect(texts((await store.readAll({ after: START_OF_STORE, tags: [tag] })).events)).toEqual(['globex secret']);
      expect(texts((await store.readMatching([{ tags: [tag] }])).events)).toEqual(['globex secret']);
    });
  });

  it('shows every tenant to work without one, and filters by tenant on request (the operator view)', async () => {
    await run(undefined, async () => {
      expect(await store.queryEvents({ tags: [tag] })).toHaveLength(2);
      const acmeOnly = await store.queryEvents({ tags: [tag], tenantId: acme });
      expect(acmeOnly.map((e) => e.streamId)).toEqual([acmeStream]);
      expect((await store.readAll({ tags: [tag] })).events).toHaveLength(2);
    });
  });

  it("refuses an append to another tenant's stream as not found, writing nothing", async () => {
    const event = [{ type: 'note.written', data: { text: 'intruder' } }];
    await expect(run(globex, () => store.append(acmeStream, event))).rejects.toThrow(StreamNotFoundError);
    await expect(run(globex, () => store.appendMany([{ streamId: acmeStream, events: event }]))).rejects.toThrow(
      StreamNotFoundError,
    );
    await expect(run(globex, () => store.transaction((tx) => tx.append(acmeStream, event)))).rejects.toThrow(
      StreamNotFoundError,
    );
    expect(await run(undefined, () => store.readStream(acmeStream))).toHaveLength(1);
  });

  it("cannot soft- or hard-delete another tenant's stream: not found", async () => {
    await expect(run(globex, () => store.deleteStream(acmeStream))).rejects.toThrow(StreamNotFoundError);
    await expect(run(globex, () => store.hardDeleteStream(acmeStream))).rejects.toThrow(StreamNotFoundError);
    expect((await run(acme, () => store.describeStream(acmeStream)))?.deleted).toBe(false);
  });

  it("loads another tenant's aggregate as not found, even one kept warm", async () => {
    const id = randomUUID();
    await run(acme, () => notes.create(id, (note) => note.write('acme only')));
    await run(acme, () => notes.update(id, (note) => note.write('again')));
    await expect(run(globex, () => notes.load(id))).rejects.toThrow(AggregateNotFoundError);
    await expect(run(globex, () => notes.update(id, (note) => note.write('intruder')))).rejects.toThrow(
      AggregateNotFoundError,
    );
    expect((await run(acme, () => notes.load(id))).texts).toEqual(['acme only', 'again']);
  });
});
