import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { MessageContext } from '../events/message-context';
import { EventSourcingModule } from '../event-sourcing.module';
import { EventStore } from '../store/event-store';
import { pollUntil } from '../subscriptions/wait-for-cursor';
import { EventSourcingAccessModule } from './event-sourcing-access.module';
import { PermissionReadModel } from './permission-read-model';
import { PermissionStore } from './permission-store';

const ACTORS = ['ann', 'bob', 'carl', 'dan'];
const PERMISSIONS = ['*', 'reader', 'writer'];

describe.each(['memory', 'postgres'] as const)('rebuilding the permissions read model (%s store)', (kind) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;
  let store: EventStore;
  let context: MessageContext;
  let readModel: PermissionReadModel;
  let permissions: PermissionStore;

  beforeEach(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'permission_rebuild') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        EventSourcingModule.forRoot({ database: database?.url ?? 'memory', tenancy: true, batchSize: 50 }),
        EventSourcingAccessModule.forRoot({ roles: { reader: ['view'], writer: ['view', 'edit'] } }),
      ],
    }).compile();
    await moduleRef.init();
    store = moduleRef.get(EventStore);
    context = moduleRef.get(MessageContext);
    readModel = moduleRef.get(PermissionReadModel);
    permissions = moduleRef.get(PermissionStore);
  });
  afterEach(async () => {
    await moduleRef.close();
    await database?.drop();
  });

  /** Appends the library's grant (or revoke, without `permission` for all) as a tenant. */
  const grant = (tenantId: string, actorId: string, docId: string, permission: string) =>
    context.run({ correlationId: randomUUID(), tenantId }, () =>
      store.append(`access-${tenantId}`, [
        { type: 'es.permission-granted', data: { actorId, aggregateType: 'doc', aggregateId: docId, permission } },
      ]),
    );
  const revoke = (tenantId: string, actorId: string, docId: string, permission?: string) =>
    context.run({ correlationId: randomUUID(), tenantId }, () =>
      store.append(`access-${tenantId}`, [
        {
          type: 'es.permission-revoked',
          data: { actorId, aggregateType: 'doc', aggregateId: docId, ...(permission && { permission }) },
        },
      ]),
    );
  /** What the read model holds for a tenant, asked as the checks ask it. */
  const held = async (tenantId: string): Promise<Record<string, 'all' | string[]>> => {
    const answer: Record<string, 'all' | string[]> = {};
    for (const actorId of ACTORS) {
      for (const permission of PERMISSIONS) {
        const ids = await permissions.aggregatesWith({
          tenantId,
          actorId,
          aggregateType: 'doc',
          permissions: [permission],
        });
        if (ids === 'all' || ids.length > 0) answer[`${actorId}/${permission}`] = ids;
      }
    }
    return answer;
  };
  /** The rows as stored, on PostgreSQL (grant positions included); the checks' answers in memory. */
  const rows = async (): Promise<unknown> =>
    kind === 'postgres'
      ? moduleRef
          .get(DataSource)
          .query(
            'SELECT tenant_id, actor_id, aggregate_type, aggregate_id, permission, granted_at::text FROM es_permissions ORDER BY 1, 2, 3, 4, 5',
          )
      : { acme: await held('acme'), globex: await held('globex') };
  const history = async (): Promise<void> => {
    await grant('acme', 'ann', 'd1', '*');
    await grant('acme', 'bob', 'd1', 'reader');
    await grant('acme', 'bob', 'd2', 'writer');
    await revoke('acme', 'bob', 'd1');
    await grant('acme', 'carl', '*', 'reader');
    await grant('acme', 'carl', 'd3', 'writer');
    await revoke('acme', 'carl', 'd3', 'writer');
    await grant('globex', 'dan', 'd9', '*');
    await grant('globex', 'bob', 'd1', 'writer');
  };
  /** Damage: a grant no event made, and a real grant lost, in both tenants. */
  const corrupt = async (): Promise<void> => {
    for (const tenantId of ['acme', 'globex']) {
      await permissions.grant(
        tenantId,
        [{ actorId: 'dan', aggregateType: 'doc', aggregateId: 'x', permission: '*' }],
        1n,
      );
      await permissions.revoke(tenantId, [
        {
          actorId: tenantId === 'acme' ? 'ann' : 'dan',
          aggregateType: 'doc',
          aggregateId: tenantId === 'acme' ? 'd1' : 'd9',
        },
      ]);
    }
  };

  it('recomputes every row from the events that grant and revoke: damaged rows come back as they were', async () => {
    await history();
    const before = await rows();
    expect(await held('acme')).toEqual({ 'ann/*': ['d1'], 'bob/writer': ['d2'], 'carl/reader': 'all' });
    await corrupt();
    expect(await rows()).not.toEqual(before);

    const result = await readModel.rebuild();

    expect(result).toEqual({ types: ['es.permission-granted', 'es.permission-revoked'], events: 9 });
    expect(await rows()).toEqual(before);
  });

  it("rebuilds one tenant's rows and leaves the other tenant's as they are", async () => {
    await history();
    const acmeBefore = await held('acme');
    await corrupt();
    const globexDamaged = await held('globex');

    expect(await readModel.rebuild({ tenantId: 'acme' })).toMatchObject({ tenantId: 'acme', events: 7 });

    expect(await held('acme')).toEqual(acmeBefore);
    expect(await held('globex')).toEqual(globexDamaged);
    expect(globexDamaged['dan/*']).toEqual(['x']);
  });

  it('keeps a grant appended while the rebuild runs, and the checks see the old rows until it ends', async () => {
    // A long history, so that the rebuild is under way when the concurrent grant arrives.
    const many = Array.from({ length: kind === 'postgres' ? 1500 : 10 }, (_, i) => ({
      type: 'es.permission-granted',
      data: { actorId: 'ann', aggregateType: 'doc', aggregateId: `bulk-${i}`, permission: 'reader' },
    }));
    await context.run({ correlationId: randomUUID(), tenantId: 'acme' }, () => store.append('access-bulk', many));
    await history();
    const before = await rows();

    const rebuilding = readModel.rebuild();
    let rebuilt = false;
    void rebuilding.then(() => (rebuilt = true));
    if (kind === 'postgres') {
      const locked = await pollUntil(Date.now() + 10_000, async () => {
        const [row] = await moduleRef.get(DataSource).query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE c.relname = 'es_permissions' AND l.mode = 'ExclusiveLock' AND l.granted`,
        );
        return row!.n > 0;
      });
      expect(locked).toBe(true);
    }
    // The checks answer from the old rows meanwhile (plain reads are not blocked).
    expect((await held('acme'))['ann/*']).toEqual(['d1']);
    const appended = await grant('acme', 'dan', 'd7', 'writer');
    // The grant's append waited for the rebuild to end.
    expect(rebuilt).toBe(true);
    const result = await rebuilding;

    expect(result.events).toBe(many.length + 9);
    expect((await store.queryEvents({ fromPosition: appended.position, limit: 1 }))[0]?.type).toBe(
      'es.permission-granted',
    );
    expect((await held('acme'))['dan/writer']).toEqual(['d7']);
    const after = await rows();
    expect(after).not.toEqual(before);
    await readModel.rebuild();
    expect(await rows()).toEqual(after);
  });

  it('refuses an empty tenant id, changing nothing', async () => {
    await history();
    const before = await rows();
    await expect(readModel.rebuild({ tenantId: '' })).rejects.toThrow(InvalidQueryError);
    expect(await rows()).toEqual(before);
  });
});
