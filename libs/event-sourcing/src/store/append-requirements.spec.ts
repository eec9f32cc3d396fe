import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createPostgresSubject } from '../../../../test/support/postgres-store';
import { statementsOf, waitForLockWait } from '../../../../test/support/statements-sent';
import { recordAppendCalls } from '../../../../test/support/append-calls';
import { PermissionDeniedError } from '../errors/permission-denied-error';
import type { AppendPermission, AppendRequirementsHook } from './append-requirements';
import type { EventStore } from './event-store';
import { InMemoryEventStore } from './in-memory/in-memory-event-store';
import { buildAppendStatements } from './postgres/append-statements';

/** A hook whose requirements a test sets, over rows of permissions it grants. */
class TestRequirements implements AppendRequirementsHook {
  required: AppendPermission[] = [];
  readonly rows = new Set<string>();
  readonly passedOnes: AppendPermission[][] = [];
  current(): readonly AppendPermission[] {
    return this.required;
  }
  holds(r: AppendPermission): boolean {
    return [r.aggregateId, '*'].some((id) =>
      r.permissions.some((p) => this.rows.has(JSON.stringify([r.tenantId, r.actorId, r.aggregateType, id, p]))),
    );
  }
  passed(required: readonly AppendPermission[]): void {
    this.passedOnes.push([...required]);
  }
}

const need = (aggregateId: string, actorId = 'bob', tenantId = 't1'): AppendPermission => ({
  tenantId,
  actorId,
  action: 'edit',
  aggregateType: 'doc',
  aggregateId,
  permissions: ['edit', '*'],
});

interface Subject {
  store: EventStore;
  grant(tenantId: string, actorId: string, aggregateId: string, permission: string): Promise<void>;
  /** How many events are stored (on PostgreSQL counted in es_events: readAll holds back what is younger than any open transaction). */
  count(): Promise<number>;
  close(): Promise<void>;
  url?: string;
}

async function subjectOf(kind: 'memory' | 'postgres', hook: TestRequirements): Promise<Subject> {
  if (kind === 'memory') {
    const store = new InMemoryEventStore({ hooks: { requirements: hook } });
    return {
      store,
      grant: async (tenantId, actorId, aggregateId, permission) => {
        hook.rows.add(JSON.stringify([tenantId, actorId, 'doc', aggregateId, permission]));
        return Promise.resolve();
      },
      count: async () => (await store.readAll({ limit: 10_000 })).events.length,
      close: () => Promise.resolve(),
    };
  }
  const pg = await createPostgresSubject(
    'postgres',
    `requirements`,
    64 * 1024,
    {},
    {},
    { hooks: { requirements: hook } },
  );
  return {
    store: pg.store,
    grant: async (tenantId, actorId, aggregateId, permission) => {
      await pg.dataSource.query(
        `INSERT INTO es_permissions (tenant_id, actor_id, aggregate_type, aggregate_id, permission, granted_at)
         VALUES ($1, $2, 'doc', $3, $4, 1)`,
        [tenantId, actorId, aggregateId, permission],
      );
    },
    count: async () =>
      Number((await pg.dataSource.query<{ n: string }[]>('SELECT count(*) AS n FROM es_events'))[0]!.n),
    close: () => pg.close!(),
    url: pg.dataSource.options.type === 'postgres' ? (pg.dataSource.options.url ?? undefined) : undefined,
  };
}

describe.each(['memory', 'postgres'] as const)('appends that require permissions (%s store)', (kind) => {
  const hook = new TestRequirements();
  let subject: Subject;
  const event = (n = 1) => ({ type: 'doc.edited', data: { n } });
  const count = () => subject.count();

  beforeAll(async () => {
    subject = await subjectOf(kind, hook);
  });
  afterAll(() => subject.close());
  afterEach(() => {
    hook.required = [];
    hook.passedOnes.length = 0;
  });

  it('appends when every requirement is held, and reports them passed', async () => {
    const id = randomUUID();
    await subject.grant('t1', 'bob', id, 'edit');
    await subject.grant('t1', 'bob', '*', 'view');
    hook.required = [need(id), { ...need(id), action: 'view', aggregateId: 'other', permissions: ['view'] }];
    const result = await subject.store.append(`doc-${id}`, [event()], { expectedVersion: 'no_stream' });
    expect(result).toMatchObject({ streamVersion: 1, written: true });
    await subject.store.append(`doc-${id}`, [event(2)], { expectedVersion: 1 });
    await subject.store.append(`doc-${id}`, [event(3), event(4)], { expectedVersion: 2 });
    await subject.store.append(`doc-${id}`, [event(5)]);
    expect(await subject.store.streamVersion(`doc-${id}`)).toBe(5);
    expect(hook.passedOnes).toHaveLength(4);
  });

  it('denies an append whose requirement is missing with PermissionDeniedError, writing nothing', async () => {
    const id = randomUUID();
    await subject.grant('t1', 'bob', id, 'edit');
    await subject.store.append(`doc-${id}`, [event()], { expectedVersion: 'no_stream' });
    const before = await count();
    // Held on another aggregate, in another tenant, by another actor: none of them counts.
    await subject.grant('t1', 'bob', 'other', 'edit');
    await subject.grant('t2', 'bob', '*', 'edit');
    await subject.grant('t1', 'cid', '*', 'edit');
    hook.required = [need(id), need('missing')];
    const denied = subject.store.append(`doc-${id}`, [event(2)], { expectedVersion: 1 });
    await expect(denied).rejects.toThrow(PermissionDeniedError);
    await expect(denied).rejects.toMatchObject({
      code: 'ES_PERMISSION_DENIED',
      actorId: 'bob',
      aggregateId: 'missing',
    });
    for (const expectedVersion of [0, 'any', 1] as const) {
      await expect(subject.store.append(`doc-${id}`, [event(3), event(4)], { expectedVersion })).rejects.toThrow(
        PermissionDeniedError,
      );
    }
    await expect(
      subject.store.append(`doc-${randomUUID()}`, [{ ...event(), tags: ['doc:x'] }], {
        condition: { query: [{ tags: ['doc:x'] }] },
      }),
    ).rejects.toThrow(PermissionDeniedError);
    await expect(
      subject.store.append(`doc-${randomUUID()}`, [event()], {
        naturalKeys: { claim: [{ key: 'doc-title', value: randomUUID() }] },
      }),
    ).rejects.toThrow(PermissionDeniedError);
    await expect(
      subject.store.appendMany([
        { streamId: `doc-${randomUUID()}`, events: [event()] },
        { streamId: `doc-${randomUUID()}`, events: [event()] },
      ]),
    ).rejects.toThrow(PermissionDeniedError);
    await expect(
      subject.store.transaction((tx) => tx.append(`doc-${randomUUID()}`, [event()], { expectedVersion: 'no_stream' })),
    ).rejects.toThrow(PermissionDeniedError);
    expect(await count()).toBe(before);
    expect(hook.passedOnes).toEqual([]);
  });

  it('honours requirements in appendMany and transactions, and lets a * grant hold for every aggregate', async () => {
    await subject.grant('t1', 'dan', '*', 'edit');
    hook.required = [need('any-one', 'dan')];
    const [a, b] = [`doc-${randomUUID()}`, `doc-${randomUUID()}`];
    await subject.store.appendMany([
      { streamId: a, events: [event()] },
      { streamId: b, events: [event()] },
    ]);
    await subject.store.transaction(async (tx) => {
      await tx.append(a, [event(2)], { expectedVersion: 1 });
      await tx.append(b, [event(2)], { expectedVersion: 1 });
    });
    expect([await subject.store.streamVersion(a), await subject.store.streamVersion(b)]).toEqual([2, 2]);
  });

  it('leaves appends without requirements as they were', async () => {
    const id = `doc-${randomUUID()}`;
    await subject.store.append(id, [event()], { expectedVersion: 'no_stream' });
    await subject.store.append(id, [event(2)], { expectedVersion: 1 });
    expect(await subject.store.streamVersion(id)).toBe(2);
    expect(hook.passedOnes).toEqual([]);
  });

  if (kind === 'postgres') {
    const plain = buildAppendStatements('"public"');
    const required = buildAppendStatements('"public"', false, true);

    it('checks the requirements in the append statement itself, and runs the plain one without them', async () => {
      const id = randomUUID();
      await subject.grant('t1', 'bob', id, 'edit');
      await subject.store.append(`doc-${id}`, [event()], { expectedVersion: 'no_stream' });
      await subject.store.streamVersion(`doc-${id}`);
      hook.required = [need(id)];
      const checked = await statementsOf(() => subject.store.append(`doc-${id}`, [event(2)], { expectedVersion: 1 }));
      expect(checked).toEqual([required.nextOneKnown.name]);
      const first = await statementsOf(() =>
        subject.store.append(`doc-${randomUUID()}`, [event()], { expectedVersion: 'no_stream' }),
      );
      expect(first).toEqual([required.first.document.name]);
      hook.required = [];
      const without = await statementsOf(() => subject.store.append(`doc-${id}`, [event(3)], { expectedVersion: 2 }));
      expect(without).toEqual([plain.nextOneKnown.name]);
    });

    it('lets appends with requirements share a statement (group commit), each row checked on its own', async () => {
      const ids = Array.from({ length: 24 }, () => randomUUID());
      for (const id of ids) await subject.store.append(`doc-${id}`, [event()], { expectedVersion: 'no_stream' });
      // The last one, which waits for a slot and goes in a shared statement, is denied.
      for (const id of ids.slice(0, -1)) await subject.grant('t1', 'bob', id, 'edit');
      const before = await count();
      const calls = recordAppendCalls('runMany');
      let results: PromiseSettledResult<unknown>[];
      try {
        // Each append with its own requirement, as concurrent commands make them.
        results = await Promise.allSettled(
          ids.map((id) => {
            hook.required = [need(id)];
            return subject.store.append(`doc-${id}`, [event(2)], { expectedVersion: 1 });
          }),
        );
      } finally {
        calls.restore();
      }
      expect(calls.sizes.some((size) => size > 1)).toBe(true);
      expect(results.at(-1)).toMatchObject({ status: 'rejected', reason: { code: 'ES_PERMISSION_DENIED' } });
      expect(results.slice(0, -1).every((r) => r.status === 'fulfilled')).toBe(true);
      expect(await count()).toBe(before + ids.length - 1);
    });

    it('checks personal data appends with the keyed statements and the requirements both', async () => {
      const id = randomUUID();
      await subject.grant('t1', 'bob', id, 'edit');
      hook.required = [need(id)];
      const personal = { type: 'doc.renamed', data: { name: 'Ada' }, personalData: { name: `person-${id}` } };
      await subject.store.append(`doc-${id}`, [personal], { expectedVersion: 'no_stream' });
      expect((await subject.store.readStream(`doc-${id}`))[0]?.data).toEqual({ name: 'Ada' });
      hook.required = [need(`not-${id}`)];
      await expect(subject.store.append(`doc-${id}`, [personal], { expectedVersion: 1 })).rejects.toThrow(
        PermissionDeniedError,
      );
      expect(await subject.store.streamVersion(`doc-${id}`)).toBe(1);
    });

    /** A revocation of bob's grant on `id` in an open transaction of its own; `end` commits or rolls it back. */
    async function openRevocation(id: string): Promise<{ end: (how: 'COMMIT' | 'ROLLBACK') => Promise<void> }> {
      const client = new Client({ connectionString: subject.url });
      await client.connect();
      await client.query('BEGIN');
      await client.query(`DELETE FROM es_permissions WHERE actor_id = 'bob' AND aggregate_id = $1`, [id]);
      return {
        end: async (how) => {
          await client.query(how);
          await client.end();
        },
      };
    }

    it.each([
      ['COMMIT', 'waits for a revocation in flight, then denies'],
      ['ROLLBACK', 'waits for a revocation in flight, then appends when it rolls back'],
    ] as const)('%s: %s', async (how, _title) => {
      const id = randomUUID();
      await subject.grant('t1', 'bob', id, 'edit');
      await subject.store.append(`doc-${id}`, [event()], { expectedVersion: 'no_stream' });
      const revocation = await openRevocation(id);
      hook.required = [need(id)];
      const append = subject.store.append(`doc-${id}`, [event(2)], { expectedVersion: 1 });
      const settled = append.then(
        () => 'written',
        (error: unknown) => error,
      );
      await waitForLockWait(subject.url!);
      await revocation.end(how);
      if (how === 'COMMIT') await expect(settled).resolves.toBeInstanceOf(PermissionDeniedError);
      else await expect(settled).resolves.toBe('written');
      expect(await subject.store.streamVersion(`doc-${id}`)).toBe(how === 'COMMIT' ? 1 : 2);
    });

    it('makes a revocation wait for the append that holds its row until the append commits', async () => {
      const id = randomUUID();
      await subject.grant('t1', 'bob', id, 'edit');
      hook.required = [need(id)];
      let revoked = false;
      await subject.store.transaction(async (tx) => {
        await tx.append(`doc-${id}`, [event()], { expectedVersion: 'no_stream' });
        const client = new Client({ connectionString: subject.url });
        await client.connect();
        const revocation = client
          .query(`DELETE FROM es_permissions WHERE actor_id = 'bob' AND aggregate_id = $1`, [id])
          .then(() => (revoked = true));
        await waitForLockWait(subject.url!);
        expect(revoked).toBe(false);
        // Ends after the commit, below.
        void revocation.finally(() => client.end());
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(revoked).toBe(true);
      expect(await subject.store.streamVersion(`doc-${id}`)).toBe(1);
    });
  }
});
