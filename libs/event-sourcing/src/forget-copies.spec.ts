import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { CqrsModule } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { EventSourcingModule } from './event-sourcing.module';
import { EventSourcingHttpModule } from './http/event-sourcing-http.module';
import { IdempotencyStore } from './http/idempotency-store';
import { MemorySagaStore } from './sagas/memory/memory-saga-store';
import { eraseSagaCopies } from './sagas/postgres-saga-eraser';
import { EventStore } from './store/event-store';
import { SnapshotStore } from './store/snapshot-store';

// What forget erases besides the key, through the module's wiring, on both stores.
describe.each(['memory', 'postgres'] as const)('forget erases the copies the library keeps (%s)', (kind) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;
  let store: EventStore;

  beforeAll(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'forget_copies') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({ database: database?.url ?? 'memory' }),
        EventSourcingHttpModule.forRoot({}),
      ],
    }).compile();
    await moduleRef.init();
    store = moduleRef.get(EventStore);
  });
  afterAll(async () => {
    await moduleRef?.close();
    await database?.drop();
  });

  const open = async (owner: string): Promise<{ subject: string; streamId: string }> => {
    const subject = randomUUID();
    const streamId = `person-${subject}`;
    await store.append(streamId, [{ type: 't.opened', data: { owner }, personalData: { owner: subject } }]);
    return { subject, streamId };
  };

  it('drops the snapshots of the streams that held the subject, and only those', async () => {
    const snapshots = moduleRef.get(SnapshotStore);
    const forgotten = await open('Ada Snapshot');
    const kept = await open('Bob Snapshot');
    for (const { streamId } of [forgotten, kept]) {
      await snapshots.save({ streamId, version: 1, revision: 1, state: { owner: 'x' } });
    }
    await store.forget(forgotten.subject);
    expect(await snapshots.load(forgotten.streamId)).toBeUndefined();
    expect(await snapshots.load(kept.streamId)).toMatchObject({ version: 1 });
  });

  it('deletes the idempotency records whose stored response quotes the personal data', async () => {
    const records = moduleRef.get(IdempotencyStore);
    const { subject } = await open('Ada "Idem" Potent');
    const claim = async (key: string, body: unknown) => {
      const claimed = await records.claim(key, 'f');
      if (claimed.outcome !== 'claimed') throw new Error(`${key} is taken`);
      await records.complete(key, claimed.claimId, { status: 201, headers: {}, body });
    };
    const [quoting, other] = [randomUUID(), randomUUID()];
    await claim(quoting, { owner: 'Ada "Idem" Potent', id: 1 });
    await claim(other, { owner: 'Someone else' });
    await store.forget(subject);
    expect((await records.claim(quoting, 'f')).outcome).toBe('claimed');
    expect((await records.claim(other, 'f')).outcome).toBe('completed');
  });

  it('redacts saga state, queued commands and deadlines that quote the personal data', async () => {
    const texts = ['Ada Saga'];
    if (kind === 'memory') {
      const sagas = new MemorySagaStore();
      const sagaId = randomUUID();
      const state = { owner: 'Ada Saga', note: 'for Ada Saga', amount: 5 };
      const instance = { sagaId, sagaType: 's', correlation: 'c', state, version: 1, status: 'active' as const };
      await sagas.transaction((tx) =>
        sagas.insert(tx, { ...instance, reason: null, createdAt: new Date(), updatedAt: new Date(), endedAt: null }),
      );
      sagas.redact(texts);
      expect((await sagas.get(sagaId))!.state).toEqual({ owner: null, note: null, amount: 5 });
      return;
    }
    const dataSource = moduleRef.get(DataSource);
    const sagaId = randomUUID();
    await dataSource.query(
      `INSERT INTO es_sagas (saga_id, saga_type, correlation, state, started_by, reason)
       VALUES ($1::uuid, 's', $1::text, $2::jsonb, $1::uuid, 'failed for Ada Saga')`,
      [sagaId, JSON.stringify({ owner: 'Ada Saga', amount: 5, nested: ['Ada Saga', 'x'] })],
    );
    await dataSource.query(
      `INSERT INTO es_saga_commands (command_id, saga_id, saga_type, command_type, payload, causation_id)
       VALUES ($1::uuid, $2::uuid, 's', 'c', $3::jsonb, $2::text)`,
      [randomUUID(), sagaId, JSON.stringify({ to: 'Ada Saga' })],
    );
    await dataSource.query(
      `INSERT INTO es_saga_deadlines (saga_id, name, saga_type, due_at, payload) VALUES ($1, 'd', 's', now(), $2::jsonb)`,
      [sagaId, JSON.stringify({ who: 'Ada Saga' })],
    );
    await dataSource.transaction((manager) => eraseSagaCopies(manager, '"public"', texts));
    const [saga] = await dataSource.query<{ state: unknown; reason: string }[]>(
      'SELECT state, reason FROM es_sagas WHERE saga_id = $1',
      [sagaId],
    );
    expect(saga).toEqual({ state: { owner: null, amount: 5, nested: [null, 'x'] }, reason: '[forgotten]' });
    const left = await dataSource.query<{ n: number }[]>(
      `SELECT (SELECT count(*) FROM es_saga_commands c WHERE c::text LIKE '%Ada Saga%')
            + (SELECT count(*) FROM es_saga_deadlines d WHERE d::text LIKE '%Ada Saga%') AS n`,
    );
    expect(Number(left[0]!.n)).toBe(0);
  });

  it("redacts, for a tenant's forget, only that tenant's saga instances and their commands and deadlines", async () => {
    const texts = ['Ada Tenant'];
    const stateOf = (sagaId: string) => ({ owner: 'Ada Tenant', sagaId });
    const [acme, globex] = [randomUUID(), randomUUID()];
    if (kind === 'memory') {
      const sagas = new MemorySagaStore();
      for (const [sagaId, tenantId] of [
        [acme, 'acme'],
        [globex, 'globex'],
      ] as const) {
        const instance = { sagaId, sagaType: 's', correlation: 'c', tenantId, state: stateOf(sagaId), version: 1 };
        await sagas.transaction((tx) =>
          sagas.insert(tx, {
            ...instance,
            status: 'active',
            reason: null,
            createdAt: new Date(),
            updatedAt: new Date(),
            endedAt: null,
          }),
        );
      }
      sagas.redact(texts, 'acme');
      expect((await sagas.get(acme))!.state).toEqual({ owner: null, sagaId: acme });
      expect((await sagas.get(globex))!.state).toEqual(stateOf(globex));
      return;
    }
    const dataSource = moduleRef.get(DataSource);
    for (const [sagaId, tenant] of [
      [acme, 'acme'],
      [globex, 'globex'],
    ] as const) {
      await dataSource.query(
        `INSERT INTO es_sagas (saga_id, saga_type, tenant, correlation, state, started_by, reason)
         VALUES ($1::uuid, 's', $2, 'shared', $3::jsonb, $1::uuid, 'failed for Ada Tenant')`,
        [sagaId, tenant, JSON.stringify(stateOf(sagaId))],
      );
      await dataSource.query(
        `INSERT INTO es_saga_commands (command_id, saga_id, saga_type, command_type, payload, causation_id, error)
         VALUES ($1::uuid, $2::uuid, 's', 'c', $3::jsonb, $2::text, 'refused Ada Tenant')`,
        [randomUUID(), sagaId, JSON.stringify({ to: 'Ada Tenant' })],
      );
      await dataSource.query(
        `INSERT INTO es_saga_deadlines (saga_id, name, saga_type, due_at, payload) VALUES ($1, 'd', 's', now(), $2::jsonb)`,
        [sagaId, JSON.stringify({ who: 'Ada Tenant' })],
      );
    }
    await dataSource.transaction((manager) => eraseSagaCopies(manager, '"public"', texts, 'acme'));
    const quoting = async (sagaId: string): Promise<number> =>
      (
        await dataSource.query<{ n: number }[]>(
          `SELECT (SELECT count(*) FROM es_sagas g WHERE g.saga_id = $1 AND g::text LIKE '%Ada Tenant%')
                + (SELECT count(*) FROM es_saga_commands c WHERE c.saga_id = $1 AND c::text LIKE '%Ada Tenant%')
                + (SELECT count(*) FROM es_saga_deadlines d WHERE d.saga_id = $1 AND d::text LIKE '%Ada Tenant%') AS n`,
          [sagaId],
        )
      )[0]!.n;
    expect(Number(await quoting(acme))).toBe(0);
    // globex's instance, command and deadline quote it still: state and reason, payload and error, payload.
    expect(Number(await quoting(globex))).toBe(3);
  });
});
