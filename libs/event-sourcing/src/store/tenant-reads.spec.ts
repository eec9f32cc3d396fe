import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import * as ts from 'typescript';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { Aggregate } from '../aggregates/aggregate.decorator';
import type { AggregateRepository } from '../aggregates/aggregate-repository';
import { AggregateRoot } from '../aggregates/aggregate-root';
import { Apply } from '../aggregates/apply.decorator';
import { getAggregateRepositoryToken } from '../aggregates/inject-aggregate-repository.decorator';
import { NaturalKey } from '../aggregates/natural-key.decorator';
import { DecisionModel, Evolve } from '../decisions/decision-model.decorator';
import { DecisionRepository } from '../decisions/decision-repository';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { DomainEvent } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import { MessageContext } from '../events/message-context';
import { Tag } from '../events/tag.decorator';
import { EventSourcingModule } from '../event-sourcing.module';
import { pollUntil } from '../subscriptions/wait-for-cursor';
import { EventQueryCache } from './event-query-cache';
import { EventStore, START_OF_STORE } from './event-store';
import { SnapshotStore } from './snapshot-store';

// Isolation by construction, over every read: each method of EventStore has a decision
// below (a read scoped by tenant, or a write), and the list must equal the class's
// methods, so a read added later without a decision fails here. Then, for tenant B,
// every read of tenant A's data (streams, aggregates and their snapshots, natural keys,
// decisions, tombstones) answers not found or empty, and no error names A's data.

/** How each `EventStore` method treats another tenant's data. */
type Scoping =
  /** Reads: another tenant's data is absent (checked for every one below). */
  | 'read'
  /** Writes to another tenant's stream fail as not found, writing nothing (tenant-scope.spec). */
  | 'write';

/** Every public method of `EventStore`, with its decision. The type makes the list complete for the compiler. */
const STORE_METHODS: Record<Exclude<keyof EventStore, 'caches' | 'erasers'>, Scoping> = {
  append: 'write',
  appendMany: 'write',
  deleteStream: 'write',
  restoreStream: 'write',
  hardDeleteStream: 'write',
  forget: 'write',
  transaction: 'read',
  readMatching: 'read',
  readStream: 'read',
  iterateStream: 'read',
  readAll: 'read',
  queryEvents: 'read',
  streamVersion: 'read',
  describeStream: 'read',
  tombstoneOf: 'read',
  findByNaturalKey: 'read',
};

/** The methods `abstract class EventStore` declares in event-store.ts, read from its source. */
function declaredStoreMethods(): string[] {
  const path = join(__dirname, 'event-store.ts');
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) && node.name?.text === 'EventStore') {
      for (const member of node.members) {
        const hidden = ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected);
        if (ts.isMethodDeclaration(member) && !hidden) names.push(member.name.getText(source));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names.sort();
}

@DomainEvent('memo.written')
class MemoWritten {
  constructor(
    @Tag('memo-slug') readonly slug: string,
    readonly text: string,
  ) {}
}

@Aggregate('memo', { snapshots: { every: 2 } })
class Memo extends AggregateRoot {
  @NaturalKey('slug')
  slug: string | null = null;
  texts: string[] = [];
  write(slug: string, text: string): void {
    this.apply(new MemoWritten(slug, text));
  }
  @Apply(MemoWritten) onWritten(event: MemoWritten): void {
    this.slug = event.slug;
    this.texts.push(event.text);
  }
}

/** The texts written under one slug, across streams: a decision's read. */
@DecisionModel()
class SlugTexts {
  readonly texts: string[] = [];
  constructor(private readonly slug: string) {}
  tags(): string[] {
    return [`memo-slug:${this.slug}`];
  }
  @Evolve(MemoWritten) protected written({ text }: MemoWritten): void {
    this.texts.push(text);
  }
}

class WriteMemo {
  constructor(
    readonly id: string,
    readonly text: string,
  ) {}
}

class PeekMemo {
  constructor(readonly id: string) {}
}

/** A command on a memo, which leaves it warm for the next command. */
@CommandHandler(WriteMemo)
class WriteMemoHandler implements ICommandHandler<WriteMemo> {
  constructor(@Inject(getAggregateRepositoryToken(Memo)) private readonly memos: AggregateRepository<Memo>) {}
  async execute({ id, text }: WriteMemo): Promise<void> {
    await this.memos.update(id, (memo) => memo.write(memo.slug!, text));
  }
}

/** What `find` answers inside a command, where warm copies are used. */
@CommandHandler(PeekMemo)
class PeekMemoHandler implements ICommandHandler<PeekMemo> {
  constructor(@Inject(getAggregateRepositoryToken(Memo)) private readonly memos: AggregateRepository<Memo>) {}
  async execute({ id }: PeekMemo): Promise<string[] | null> {
    return (await this.memos.find(id))?.texts ?? null;
  }
}

describe('the tenant decision of every EventStore method', () => {
  it('lists every method the abstract class declares, no more, no fewer', () => {
    expect(Object.keys(STORE_METHODS).sort()).toEqual(declaredStoreMethods());
    expect(declaredStoreMethods()).toContain('readAll');
  });
});

describe.each(['memory', 'postgres'] as const)("another tenant's data through every read (%s)", (kind) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;
  let store: EventStore;
  let memos: AggregateRepository<Memo>;
  let context: MessageContext;
  const run = <T>(tenantId: string, work: () => Promise<T>): Promise<T> =>
    context.run({ correlationId: randomUUID(), tenantId }, work);
  const asGlobex = <T>(work: () => Promise<T>): Promise<T> => run('globex', work);
  /** Everything of acme's that globex must never see. */
  const secret = `acme-secret-${randomUUID()}`;
  const slug = `slug-${randomUUID()}`;
  const memoId = randomUUID();
  const buriedId = randomUUID();
  const memoStream = `memo-${memoId}`;
  const buriedStream = `memo-${buriedId}`;
  const acmeOnly = (value: unknown): void => {
    const text = JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '';
    expect(text).not.toContain(secret);
    expect(text).not.toContain('acme');
  };

  beforeAll(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'tenant_reads') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({
          database: database?.url ?? 'memory',
          tenancy: true,
          warmAggregates: 100,
          queryCache: { ttl: '1 min', maxEntries: 100 },
        }),
        EventSourcingModule.forFeature({ aggregates: [Memo] }),
      ],
      providers: [WriteMemoHandler, PeekMemoHandler],
    }).compile();
    await moduleRef.init();
    store = moduleRef.get(EventStore);
    context = moduleRef.get(MessageContext);
    memos = moduleRef.get(getAggregateRepositoryToken(Memo));
    await run('acme', async () => {
      await memos.create(memoId, (memo) => memo.write(slug, `${secret} 1`));
      await memos.update(memoId, (memo) => memo.write(slug, `${secret} 2`));
      // Through a command, so that the memo is kept warm.
      await moduleRef.get(CommandBus).execute(new WriteMemo(memoId, `${secret} 3`));
      await memos.create(buriedId, (memo) => memo.write(`${slug}-buried`, `${secret} buried`));
      await memos.hardDelete(buriedId, { reason: secret });
    });
    await asGlobex(() => memos.create(randomUUID(), (memo) => memo.write(`${slug}-globex`, 'globex own')));
  });
  afterAll(async () => {
    await moduleRef?.close();
    await database?.drop();
  });

  it("has acme's memo with a snapshot, a natural key and a tombstone (what the reads below must hide)", async () => {
    await run('acme', async () => {
      expect((await memos.load(memoId)).texts).toHaveLength(3);
      expect(await store.findByNaturalKey('memo/slug', slug)).toBe(memoStream);
      expect(await moduleRef.get(SnapshotStore).load(memoStream)).toMatchObject({ version: 2 });
    });
    // A tombstone keeps no tenant: operators (work without one) see it, tenants do not.
    expect(await store.tombstoneOf(buriedStream)).toMatchObject({ streamId: buriedStream });
    expect(await run('acme', () => store.tombstoneOf(buriedStream))).toBeUndefined();
  });

  it('reads a stream of another tenant as empty and absent', async () => {
    await asGlobex(async () => {
      expect(await store.readStream(memoStream)).toEqual([]);
      expect(await store.readStream(memoStream, { direction: 'backwards', limit: 1 })).toEqual([]);
      const iterated: EventEnvelope[] = [];
      for await (const event of store.iterateStream(memoStream, { batchSize: 1 })) iterated.push(event);
      expect(iterated).toEqual([]);
      expect(await store.streamVersion(memoStream)).toBe(0);
      expect(await store.describeStream(memoStream)).toBeUndefined();
      expect(await store.transaction((tx) => tx.readStream(memoStream))).toEqual([]);
    });
  });

  it("keeps another tenant's events out of readAll, page by page, and out of readMatching", async () => {
    // A transaction open elsewhere on the shared server hides new events from readAll for a
    // while: wait until work without a tenant sees every stored event, then read as globex.
    const everything = async () =>
      (await store.readAll({ limit: 1_000 })).events.length === (await store.queryEvents({ limit: null })).length;
    expect(await pollUntil(Date.now() + 30_000, everything)).toBe(true);
    await asGlobex(async () => {
      const seen: EventEnvelope[] = [];
      let after = START_OF_STORE;
      for (;;) {
        const page = await store.readAll({ after, limit: 1 });
        if (page.cursor.position === after.position && page.cursor.transactionId === after.transactionId) break;
        seen.push(...page.events);
        after = page.cursor;
      }
      expect(seen.map((e) => e.metadata.tenantId)).toEqual(seen.map(() => 'globex'));
      expect(seen.length).toBeGreaterThan(0);
      acmeOnly(seen);
      acmeOnly((await store.readAll({ tags: [`memo-slug:${slug}`] })).events);
      expect((await store.readMatching([{ tags: [`memo-slug:${slug}`] }])).events).toEqual([]);
      expect((await store.readMatching([{ types: ['memo.written'] }])).events).toHaveLength(1);
      acmeOnly((await store.readMatching([])).events);
      const { models } = await moduleRef.get(DecisionRepository).load(new SlugTexts(slug));
      expect(models[0].texts).toEqual([]);
    });
  });

  it('finds no event of another tenant with queryEvents, with or without its tenantId', async () => {
    await asGlobex(async () => {
      acmeOnly(await store.queryEvents({ limit: null }));
      expect(await store.queryEvents({ streams: [memoStream] })).toEqual([]);
      expect(await store.queryEvents({ tenantId: 'acme' })).toEqual([]);
      expect(await store.queryEvents({ tags: [`memo-slug:${slug}`], tenantId: 'globex' })).toEqual([]);
      expect(await store.queryEvents({ any: [{ streams: [memoStream] }, { tenantId: 'acme' }] })).toEqual([]);
    });
  });

  it("answers each tenant from the query cache with its own events, never another tenant's kept answer", async () => {
    const cache = moduleRef.get(EventQueryCache);
    const query = { types: ['memo.written'], limit: null };
    const tenants = (events: EventEnvelope[]) => [...new Set(events.map((e) => e.metadata.tenantId))];
    expect(tenants(await run('acme', () => cache.queryEvents(query)))).toEqual(['acme']);
    expect(tenants(await asGlobex(() => cache.queryEvents(query)))).toEqual(['globex']);
    expect(tenants(await cache.queryEvents(query)).sort()).toEqual(['acme', 'globex']);
    acmeOnly(await asGlobex(() => cache.queryEvents(query)));
    expect(cache.stats().hits).toBeGreaterThan(0);
  });

  it("finds no natural key nor tombstone of another tenant's stream", async () => {
    await asGlobex(async () => {
      expect(await store.findByNaturalKey('memo/slug', slug)).toBeUndefined();
      expect(await memos.findBy('slug', slug)).toBeNull();
      expect(await store.tombstoneOf(buriedStream)).toBeUndefined();
    });
  });

  it("loads another tenant's aggregate as not found by every way in, its snapshot included", async () => {
    await asGlobex(async () => {
      const notFound = new AggregateNotFoundError('Memo', memoId);
      await expect(memos.load(memoId)).rejects.toThrow(notFound);
      await expect(memos.loadAt(memoId, { version: 2 })).rejects.toThrow(notFound);
      await expect(memos.loadAt(memoId, { at: new Date() })).rejects.toThrow(notFound);
      expect(await memos.find(memoId)).toBeNull();
      expect(await memos.exists(memoId)).toBe(false);
      expect(await moduleRef.get(CommandBus).execute(new PeekMemo(memoId))).toBeNull();
      expect(await moduleRef.get(SnapshotStore).load(memoStream)).toBeUndefined();
      await expect(memos.update(memoId, (memo) => memo.write(slug, 'intruder'))).rejects.toThrow(notFound);
    });
    expect(await run('acme', () => store.readStream(memoStream))).toHaveLength(3);
  });
});
