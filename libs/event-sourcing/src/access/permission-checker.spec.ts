import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { statementsOf, waitForLockWait } from '../../../../test/support/statements-sent';
import { buildAppendStatements } from '../store/postgres/append-statements';
import { Aggregate } from '../aggregates/aggregate.decorator';
import { AggregateRepository } from '../aggregates/aggregate-repository';
import { AggregateRoot } from '../aggregates/aggregate-root';
import { Apply } from '../aggregates/apply.decorator';
import {
  getAggregateRepositoryToken,
  InjectAggregateRepository,
} from '../aggregates/inject-aggregate-repository.decorator';
import { PermissionDeniedError } from '../errors/permission-denied-error';
import { UnauthenticatedError } from '../errors/unauthenticated-error';
import { SYSTEM_ACTOR, type Actor } from '../events/actor';
import { DomainEvent } from '../events/domain-event.decorator';
import { MessageContext } from '../events/message-context';
import { Grants, Revokes } from '../events/permission-declarations';
import { DomainError } from '../errors/domain-error';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { EventStore } from '../store/event-store';
import { EventSourcingAccessModule } from './event-sourcing-access.module';
import { PermissionChecker } from './permission-checker';

@DomainEvent('doc.created')
@Grants<DocCreated>((data, event) =>
  typeof event.metadata.userId === 'string'
    ? { actorId: event.metadata.userId, aggregateType: 'doc', aggregateId: data.docId, permission: '*' }
    : undefined,
)
class DocCreated {
  constructor(readonly docId: string) {}
}

@DomainEvent('doc.shared')
@Revokes<DocShared>(({ docId, userId }) => ({
  actorId: userId,
  aggregateType: 'doc',
  aggregateId: docId,
  permissions: ['reader', 'writer'],
}))
@Grants<DocShared>(({ docId, userId, role }) => ({
  actorId: userId,
  aggregateType: 'doc',
  aggregateId: docId,
  permission: role,
}))
class DocShared {
  constructor(
    readonly docId: string,
    readonly userId: string,
    readonly role: 'reader' | 'writer',
  ) {}
}

@DomainEvent('doc.unshared')
@Revokes<DocUnshared>(({ docId, userId }) => ({ actorId: userId, aggregateType: 'doc', aggregateId: docId }))
class DocUnshared {
  constructor(
    readonly docId: string,
    readonly userId: string,
  ) {}
}

@DomainEvent('doc.edited')
class DocEdited {
  constructor(readonly docId: string) {}
}

@Aggregate('doc')
class Doc extends AggregateRoot {
  edits = 0;
  create(): void {
    this.apply(new DocCreated(this.id));
  }
  share(userId: string, role: 'reader' | 'writer'): void {
    this.apply(new DocShared(this.id, userId, role));
  }
  unshare(userId: string): void {
    this.apply(new DocUnshared(this.id, userId));
  }
  edit(): void {
    this.apply(new DocEdited(this.id));
  }
  @Apply(DocCreated) onCreated(): void {}
  @Apply(DocShared) onShared(): void {}
  @Apply(DocUnshared) onUnshared(): void {}
  @Apply(DocEdited) onEdited(): void {
    this.edits++;
  }
}

class EditDoc {
  constructor(readonly docId: string) {}
}

@Injectable()
@CommandHandler(EditDoc)
class EditDocHandler implements ICommandHandler<EditDoc> {
  constructor(
    @InjectAggregateRepository(Doc) private readonly docs: AggregateRepository<Doc>,
    private readonly permissions: PermissionChecker,
  ) {}
  async execute({ docId }: EditDoc): Promise<void> {
    await this.permissions.require('edit', { type: 'doc', id: docId });
    await this.docs.update(docId, (doc) => doc.edit());
  }
}

class TooManyEditsError extends DomainError {
  constructor() {
    super('too-many-edits', 'This doc takes no more edits.');
  }
}

/** A command whose handler requires `edit`, then fails with a domain error, or a "not found" of another aggregate. */
class FailDoc {
  constructor(
    readonly docId: string,
    readonly how: 'rule' | 'other-missing',
  ) {}
}

@Injectable()
@CommandHandler(FailDoc)
class FailDocHandler implements ICommandHandler<FailDoc> {
  constructor(
    @InjectAggregateRepository(Doc) private readonly docs: AggregateRepository<Doc>,
    private readonly permissions: PermissionChecker,
  ) {}
  async execute({ docId, how }: FailDoc): Promise<void> {
    await this.permissions.require('edit', { type: 'doc', id: docId });
    await this.docs.load(docId);
    if (how === 'rule') throw new TooManyEditsError();
    await this.docs.load(`no-such-${docId}`);
  }
}

/** A command whose handler requires `view` and answers without appending anything. */
class CountEdits {
  constructor(readonly docId: string) {}
}

@Injectable()
@CommandHandler(CountEdits)
class CountEditsHandler implements ICommandHandler<CountEdits> {
  constructor(
    @InjectAggregateRepository(Doc) private readonly docs: AggregateRepository<Doc>,
    private readonly permissions: PermissionChecker,
  ) {}
  async execute({ docId }: CountEdits): Promise<number> {
    await this.permissions.require('view', { type: 'doc', id: docId });
    return (await this.docs.load(docId)).edits;
  }
}

const ann: Actor = { id: 'ann', kind: 'user' };
const bob: Actor = { id: 'bob', kind: 'user' };
const cid: Actor = { id: 'cid', kind: 'user' };

describe.each(['memory', 'postgres'] as const)('authorization from events (%s store)', (kind) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;
  let context: MessageContext;
  let docs: AggregateRepository<Doc>;
  let permissions: PermissionChecker;

  /** Runs `work` as a request of `actor` would. */
  const as = <T>(actor: Actor, work: () => Promise<T>): Promise<T> =>
    context.run({ correlationId: randomUUID(), userId: actor.id, actor }, work);
  const edit = (actor: Actor, docId: string) => as(actor, () => moduleRef.get(CommandBus).execute(new EditDoc(docId)));
  const newDoc = async (): Promise<string> => {
    const id = randomUUID();
    await as(ann, () => docs.create(id, (doc) => doc.create()));
    return id;
  };
  const versionOf = async (id: string) => (await moduleRef.get(EventStore).describeStream(`doc-${id}`))?.version;
  /** Every event stored (on PostgreSQL counted in es_events: readAll holds back what open transactions may precede). */
  const eventCount = async (): Promise<number> => {
    if (!database) return (await moduleRef.get(EventStore).readAll({ limit: 10_000 })).events.length;
    const dataSource = moduleRef.get<DataSource>(getDataSourceToken());
    return Number((await dataSource.query<{ n: string }[]>('SELECT count(*) AS n FROM es_events'))[0]!.n);
  };

  beforeAll(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'access') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({ database: database?.url ?? 'memory' }),
        EventSourcingModule.forFeature({ aggregates: [Doc] }),
        EventSourcingAccessModule.forRoot({
          enforce: true,
          roles: { reader: ['view'], writer: ['view', 'edit'], admin: ['*'] },
        }),
      ],
      providers: [EditDocHandler, FailDocHandler, CountEditsHandler],
    }).compile();
    await moduleRef.init();
    context = moduleRef.get(MessageContext);
    docs = moduleRef.get<AggregateRepository<Doc>>(getAggregateRepositoryToken(Doc));
    permissions = moduleRef.get(PermissionChecker);
  });
  afterAll(async () => {
    await moduleRef?.close();
    await database?.drop();
  });

  it('lets the creator, granted * by the creating event, do everything', async () => {
    const id = await newDoc();
    await edit(ann, id);
    expect(await as(ann, () => permissions.can('delete', { type: 'doc', id }))).toBe(true);
    expect(await versionOf(id)).toBe(2);
  });

  it('denies a command of someone without a grant with PermissionDeniedError, writing nothing', async () => {
    const id = await newDoc();
    const before = await eventCount();
    await expect(edit(bob, id)).rejects.toThrow(PermissionDeniedError);
    expect(await versionOf(id)).toBe(1);
    expect(await eventCount()).toBe(before);
  });

  it('answers a denied actor 403 where the command would fail with a domain error or another "not found"', async () => {
    const id = await newDoc();
    const bus = moduleRef.get(CommandBus);
    await expect(as(ann, () => bus.execute(new FailDoc(id, 'rule')))).rejects.toThrow(TooManyEditsError);
    await expect(as(ann, () => bus.execute(new FailDoc(id, 'other-missing')))).rejects.toThrow(AggregateNotFoundError);
    for (const how of ['rule', 'other-missing'] as const) {
      await expect(as(bob, () => bus.execute(new FailDoc(id, how)))).rejects.toMatchObject({
        code: 'ES_PERMISSION_DENIED',
        actorId: 'bob',
        aggregateId: id,
      });
    }
    // The very aggregate required does not exist: nothing to deny on, as the route's guard answers.
    await expect(edit(bob, `missing-${id}`)).rejects.toThrow(AggregateNotFoundError);
  });

  it('checks a command that appends nothing at its end, and a require outside a command at once', async () => {
    const id = await newDoc();
    const bus = moduleRef.get(CommandBus);
    await expect(as(bob, () => bus.execute(new CountEdits(id)))).rejects.toThrow(PermissionDeniedError);
    await as(ann, () => docs.update(id, (doc) => doc.share('bob', 'reader')));
    expect(await as(bob, () => bus.execute(new CountEdits(id)))).toBe(0);
    const outside = as(cid, () => permissions.require('view', { type: 'doc', id }));
    await expect(outside).rejects.toThrow(PermissionDeniedError);
  });

  it('grants a role with a sharing event and revokes it with another, effective on the next command', async () => {
    const id = await newDoc();
    await as(ann, () => docs.update(id, (doc) => doc.share('bob', 'reader')));
    expect(await as(bob, () => permissions.can('view', { type: 'doc', id }))).toBe(true);
    await expect(edit(bob, id)).rejects.toThrow(PermissionDeniedError);
    await as(ann, () => docs.update(id, (doc) => doc.share('bob', 'writer')));
    await edit(bob, id);
    await as(ann, () => docs.update(id, (doc) => doc.unshare('bob')));
    await expect(edit(bob, id)).rejects.toThrow(PermissionDeniedError);
    expect(await as(bob, () => permissions.can('view', { type: 'doc', id }))).toBe(false);
    expect((await moduleRef.get(EventStore).readStream(`doc-${id}`)).map((e) => e.type)).toEqual([
      'doc.created',
      'doc.shared',
      'doc.shared',
      'doc.edited',
      'doc.unshared',
    ]);
  });

  it('lists the aggregates an actor may view, and all of them for a * grant', async () => {
    const [first, second] = [await newDoc(), await newDoc()];
    const carol: Actor = { id: `carol-${kind}`, kind: 'user' };
    await as(ann, () => docs.update(second, (doc) => doc.share(carol.id, 'reader')));
    expect(await as(carol, () => permissions.aggregatesWith('view', 'doc'))).toEqual([second]);
    const store = moduleRef.get(EventStore);
    await as(ann, () =>
      store.append(`access-${randomUUID()}`, [
        {
          type: 'es.permission-granted',
          data: { actorId: carol.id, aggregateType: 'doc', aggregateId: '*', permission: 'reader' },
        },
      ]),
    );
    expect(await as(carol, () => permissions.aggregatesWith('view', 'doc'))).toBe('all');
    expect(await as(carol, () => permissions.can('view', { type: 'doc', id: first }))).toBe(true);
  });

  it('passes roles held everywhere and the system actor without a grant, and refuses no actor', async () => {
    const id = await newDoc();
    await edit({ id: 'root', kind: 'user', roles: ['admin'] }, id);
    await edit(SYSTEM_ACTOR, id);
    await expect(moduleRef.get(CommandBus).execute(new EditDoc(id))).rejects.toThrow(UnauthenticatedError);
    expect(await versionOf(id)).toBe(3);
  });

  if (kind === 'postgres') {
    it('reads no permission on the way of a permitted command: the append statement checks it', async () => {
      const id = await newDoc();
      await as(ann, () => docs.update(id, (doc) => doc.share('bob', 'writer')));
      await edit(bob, id);
      // The append signal's notification goes out on a connection of its own, after the commit.
      const sent = (await statementsOf(() => edit(bob, id))).filter((text) => !text.startsWith('SELECT pg_notify'));
      const required = buildAppendStatements('"public"', false, true);
      // The load (its stream read), then the one append statement, gated: no transaction, no read of es_permissions.
      expect(sent.filter((name) => name.includes('permission') || /^(BEGIN|START)/i.test(name))).toEqual([]);
      expect(sent.at(-1)).toBe(required.nextOneKnown.name);
      expect(sent).toHaveLength(2);
      expect(await versionOf(id)).toBe(4);
    });

    it('denies a command whose permission a concurrent transaction revokes, once that commits', async () => {
      const id = await newDoc();
      await as(ann, () => docs.update(id, (doc) => doc.share('bob', 'writer')));
      const store = moduleRef.get(EventStore);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let revoking!: () => void;
      const revoked = new Promise<void>((resolve) => (revoking = resolve));
      // The revocation deletes the grant row and stays open; the command's check must wait for it.
      const revocation = store.transaction(async (tx) => {
        await tx.append(`access-${randomUUID()}`, [
          {
            type: 'es.permission-revoked',
            data: { actorId: 'bob', aggregateType: 'doc', aggregateId: id, permission: 'writer' },
          },
        ]);
        revoking();
        await held;
      });
      await revoked;
      const command = edit(bob, id);
      await waitForLockWait(database!.url);
      release();
      await revocation;
      await expect(command).rejects.toThrow(PermissionDeniedError);
      expect(await versionOf(id)).toBe(2);
    });
  }
});
