import { randomUUID } from 'node:crypto';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { AggregateDeletedError } from '../errors/aggregate-deleted-error';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { ConfigurationError } from '../errors/configuration-error';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { NaturalKeyIndexError } from '../errors/natural-key-index-error';
import { NaturalKeyTakenError } from '../errors/natural-key-taken-error';
import { StreamTombstonedError } from '../errors/stream-tombstoned-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import { STREAM_DELETED, STREAM_RESTORED } from '../events/stream-lifecycle-types';
import { EventStore } from '../store/event-store';
import { Aggregate } from './aggregate.decorator';
import { DeleteAggregate, RestoreAggregate } from './aggregate-lifecycle-commands';
import type { AggregateRepository } from './aggregate-repository';
import { AggregateRoot } from './aggregate-root';
import { Apply } from './apply.decorator';
import { getAggregateRepositoryToken } from './inject-aggregate-repository.decorator';
import { NaturalKey } from './natural-key.decorator';

@DomainEvent('member.joined')
class MemberJoined {
  constructor(readonly email: string | null) {}
}

@DomainEvent('member.email-changed')
class EmailChanged {
  constructor(readonly email: string | null) {}
}

@DomainEvent('member.left')
class MemberLeft {}

@Aggregate('member', { snapshots: 'always' })
class Member extends AggregateRoot {
  @NaturalKey('email', { ignoreCase: true, trim: true })
  email: string | null = null;
  left = false;

  join(email: string | null): void {
    this.apply(new MemberJoined(email));
  }

  changeEmail(email: string | null): void {
    this.apply(new EmailChanged(email));
  }

  leave(): void {
    this.apply(new MemberLeft());
  }

  @Apply(MemberJoined)
  protected onJoined({ email }: MemberJoined): void {
    this.email = email;
  }

  @Apply(EmailChanged)
  protected onChanged({ email }: EmailChanged): void {
    this.email = email;
  }

  @Apply(MemberLeft)
  protected onLeft(): void {
    this.left = true;
  }
}

describe.each(['memory', 'postgres'] as const)(
  'AggregateRepository lifecycle and natural keys on the %s store',
  (kind) => {
    let database: TestDatabase | undefined;
    let moduleRef: TestingModule;
    let members: AggregateRepository<Member>;
    let store: EventStore;
    let commands: CommandBus;
    let n = 0;
    const email = (): string => `Member.${Date.now()}.${n++}@Example.org`;

    beforeAll(async () => {
      database = kind === 'postgres' ? await createTestDatabase('postgres', 'aggregate_lifecycle') : undefined;
      moduleRef = await Test.createTestingModule({
        imports: [
          CqrsModule.forRoot(),
          EventSourcingModule.forRoot({ database: database?.url ?? 'memory', warmAggregates: 100 }),
          EventSourcingModule.forFeature({ aggregates: [Member] }),
        ],
      }).compile();
      await moduleRef.init();
      members = moduleRef.get(getAggregateRepositoryToken(Member));
      store = moduleRef.get(EventStore);
      commands = moduleRef.get(CommandBus);
    });

    afterAll(async () => {
      await moduleRef?.close();
      await database?.drop();
    });

    it('soft-deletes with the last events in one append, refuses loads and saves, and restores', async () => {
      const id = randomUUID();
      await members.create(id, (m) => m.join(null));
      const { version } = await members.delete(id, { decide: (m) => m.leave() });
      expect(version).toBe(3);
      expect((await store.readStream(members.streamId(id))).map((e) => e.type)).toEqual([
        'member.joined',
        'member.left',
        STREAM_DELETED,
      ]);
      await expect(members.load(id)).rejects.toThrow(AggregateDeletedError);
      await expect(members.update(id, (m) => m.changeEmail(null))).rejects.toMatchObject({
        code: 'ES_AGGREGATE_DELETED',
      });
      expect(await members.find(id)).toBeNull();
      const kept = await members.load(id, { includeDeleted: true });
      expect(kept.left).toBe(true);
      await expect(members.save(kept)).rejects.toThrow(AggregateDeletedError);

      const restored = await members.restore(id);
      expect(restored.version).toBe(4);
      expect((await store.readStream(members.streamId(id))).at(-1)!.type).toBe(STREAM_RESTORED);
      expect((await members.load(id)).left).toBe(true);
      await members.update(id, (m) => m.changeEmail(email()));
    });

    it('keeps a natural key unique, finds by it case-insensitively, and frees it on a change', async () => {
      const [a, b, address] = [randomUUID(), randomUUID(), email()];
      await members.create(a, (m) => m.join(address));
      expect((await members.findBy('email', `  ${address.toUpperCase()} `))?.id).toBe(a);
      await expect(members.create(b, (m) => m.join(address.toLowerCase()))).rejects.toThrow(NaturalKeyTakenError);
      expect(await members.exists(b)).toBe(false);

      const other = email();
      await members.update(a, (m) => m.changeEmail(other));
      expect(await members.findBy('email', address)).toBeNull();
      expect((await members.findBy('email', other))?.id).toBe(a);
      await members.create(b, (m) => m.join(address));
      expect((await members.findBy('email', address))?.id).toBe(b);
      await members.update(b, (m) => m.changeEmail(null));
      expect(await members.findBy('email', address)).toBeNull();
    });

    it('frees the key of a deleted aggregate and refuses its restore while another holds it', async () => {
      const [a, b, address] = [randomUUID(), randomUUID(), email()];
      await members.create(a, (m) => m.join(address));
      await members.delete(a);
      expect(await members.findBy('email', address)).toBeNull();
      await members.create(b, (m) => m.join(address));
      await expect(members.restore(a)).rejects.toThrow(NaturalKeyTakenError);
      await expect(members.load(a)).rejects.toThrow(AggregateDeletedError);
      await members.hardDelete(b);
      await members.restore(a);
      expect((await members.findBy('email', address))?.id).toBe(a);
    });

    it('lets exactly one of concurrent creations with one email win', async () => {
      for (let round = 0; round < 5; round++) {
        const address = email();
        const ids = Array.from({ length: 5 }, () => randomUUID());
        const results = await Promise.allSettled(ids.map((id) => members.create(id, (m) => m.join(address))));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(NaturalKeyTakenError);
      }
    });

    it('hard-deletes: the aggregate is gone, its id refused, its key free', async () => {
      const [a, address] = [randomUUID(), email()];
      await members.create(a, (m) => m.join(address));
      const tombstone = await members.hardDelete(a);
      expect(tombstone).toMatchObject({ streamId: members.streamId(a), lastVersion: 1 });
      expect(await members.find(a)).toBeNull();
      await expect(members.load(a)).rejects.toThrow(AggregateNotFoundError);
      await expect(members.create(a, (m) => m.join(null))).rejects.toThrow(StreamTombstonedError);
      expect(await members.findBy('email', address)).toBeNull();
      await expect(members.hardDelete(randomUUID())).rejects.toThrow(AggregateNotFoundError);
    });

    it('deletes and restores through the built-in commands, with no handler of the application', async () => {
      const id = randomUUID();
      await members.create(id, (m) => m.join(null));
      expect(await commands.execute(new DeleteAggregate(Member, id))).toEqual({ version: 2, changed: true });
      expect(await commands.execute(new DeleteAggregate(Member, id))).toEqual({ version: 2, changed: false });
      await expect(members.load(id)).rejects.toThrow(AggregateDeletedError);
      expect(await commands.execute(new RestoreAggregate(Member, id))).toEqual({ version: 3, changed: true });
      expect((await members.load(id)).version).toBe(3);
      expect(await commands.execute(new DeleteAggregate(Member, id, { mode: 'hard' }))).toEqual({
        version: 3,
        changed: true,
      });
      expect(await store.tombstoneOf(members.streamId(id))).toBeDefined();
      await expect(commands.execute(new RestoreAggregate(Member, randomUUID()))).rejects.toThrow(
        AggregateNotFoundError,
      );
    });

    it('refuses findBy of an unknown key name, and a key property that holds no string', async () => {
      await expect(members.findBy('phone', '123')).rejects.toThrow(InvalidQueryError);
      await expect(members.create(randomUUID(), (m) => m.join(42 as unknown as string))).rejects.toThrow(
        ConfigurationError,
      );
    });

    (kind === 'postgres' ? it : it.skip)(
      'fails with ES_NATURAL_KEY_INDEX for a key that names a stream with no events',
      async () => {
        const address = email().toLowerCase();
        const orphan = `member-${randomUUID()}`;
        await moduleRef
          .get(DataSource)
          .query(`INSERT INTO es_natural_keys (stream_id, key, value) VALUES ($1, 'member/email', $2)`, [
            orphan,
            address,
          ]);
        await expect(members.findBy('email', address)).rejects.toThrow(NaturalKeyIndexError);
      },
    );
  },
);
