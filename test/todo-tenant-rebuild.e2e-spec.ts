import { EventStore, getDomainEventMetadata, getOnHandlers, Subscriptions } from 'nest-event-sourcing';
import type { Test } from 'supertest';
import { DataSource } from 'typeorm';
import { TodoListsProjection } from '../apps/todo/src/lists/projections/todo-lists.projection';
import { startTodoApp, type TodoTestApp } from './support/todo-app';
import { TODO_AUTH_SECRET, todoToken } from './support/todo-tokens';

const ADMIN_TOKEN = 'todo-tenant-rebuild-admin-token';
const PROJECTION = 'todo-lists';

/** A tenant's rows of the read model, with each row's `xmin`: the transaction that last wrote it. */
interface TenantRows {
  lists: Record<string, unknown>[];
  items: Record<string, unknown>[];
}

// One tenant's rows of the todo read model rebuilt from its events, while the other
// tenant's rows are not written at all and commands of both keep landing, once each.
describe('todo app: rebuilding the read model of one tenant', () => {
  let todo: TodoTestApp;
  let dataSource: DataSource;
  const tokens = { ann: '', gil: '' };
  const as = (user: keyof typeof tokens, request: Test): Test => request.set('Authorization', `Bearer ${tokens[user]}`);
  const admin = (request: Test): Test => request.set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  const http = () => todo.http();
  const acmeLists: string[] = [];
  const globexLists: string[] = [];

  const rowsOf = async (tenant: string): Promise<TenantRows> => ({
    lists: await dataSource.query(
      'SELECT xmin::text AS xmin, * FROM todo_list_views WHERE tenant_id = $1 ORDER BY id',
      [tenant],
    ),
    items: await dataSource.query(
      `SELECT i.xmin::text AS xmin, i.* FROM todo_item_views i JOIN todo_list_views l ON l.id = i.list_id
        WHERE l.tenant_id = $1 ORDER BY i.list_id, i.item_id`,
      [tenant],
    ),
  });
  /** The rows without `xmin`: what the read model says. */
  const contentOf = ({ lists, items }: TenantRows): TenantRows => {
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ xmin: _xmin, ...row }) => row);
    return { lists: strip(lists), items: strip(items) };
  };
  const caughtUp = () => todo.app.get(Subscriptions).waitUntilCaughtUp([PROJECTION], { timeoutMs: 20_000 });
  const rebuildTenant = (tenant: string) =>
    admin(http().post(`/admin/subscriptions/${PROJECTION}/tenants/${tenant}/rebuild`)).expect(200);

  beforeAll(async () => {
    todo = await startTodoApp('todo_tenant_rebuild', { AUTH_SECRET: TODO_AUTH_SECRET, ADMIN_TOKEN });
    dataSource = todo.app.get(DataSource);
    tokens.ann = await todoToken('ann', 'acme');
    tokens.gil = await todoToken('gil', 'globex');
    for (const [user, lists, count] of [
      ['ann', acmeLists, 3],
      ['gil', globexLists, 2],
    ] as const) {
      for (let i = 0; i < count; i++) {
        const title = `${user} list ${i}`;
        const { id } = (await as(user, http().post('/lists').send({ title })).expect(201)).body as { id: string };
        lists.push(id);
        for (let j = 0; j < 3; j++) {
          const added = await as(
            user,
            http()
              .post(`/lists/${id}/items`)
              .send({ text: `item ${j}` }),
          ).expect(201);
          if (j === 0) {
            const itemId = (added.body as { itemId: string }).itemId;
            await as(user, http().post(`/lists/${id}/items/${itemId}/complete`)).expect(200);
          }
        }
        await as(
          user,
          http()
            .patch(`/lists/${id}`)
            .send({ title: `${title} renamed` }),
        ).expect(200);
      }
    }
    await caughtUp();
  });
  afterAll(() => todo?.close());

  it("repairs a damaged tenant's rows from its events and does not write the other tenant's", async () => {
    const acme = await rowsOf('acme');
    const globex = await rowsOf('globex');
    expect(acme.lists).toHaveLength(3);
    expect(acme.items).toHaveLength(9);
    expect(globex.lists).toHaveLength(2);
    // Damage acme's rows: a wrong title and count, a lost item, a lost list with its items.
    await dataSource.query("UPDATE todo_list_views SET title = 'damaged', item_count = 99 WHERE id = $1", [
      acmeLists[0],
    ]);
    await dataSource.query('DELETE FROM todo_item_views WHERE list_id = $1 AND added_version = 2', [acmeLists[1]]);
    await dataSource.query('DELETE FROM todo_item_views WHERE list_id = $1', [acmeLists[2]]);
    await dataSource.query('DELETE FROM todo_list_views WHERE id = $1', [acmeLists[2]]);

    const answer = await rebuildTenant('acme');

    // Every acme event of a type the projection reads, replayed once.
    const types = [...getOnHandlers(TodoListsProjection.prototype).keys()].map(
      (cls) => getDomainEventMetadata(cls)!.type,
    );
    const acmeEvents = await todo.app.get(EventStore).queryEvents({ tenantId: 'acme', types, limit: null });
    expect(answer.body).toEqual({ name: PROJECTION, tenantId: 'acme', events: acmeEvents.length });
    expect(acmeEvents).toHaveLength(3 * (1 + 3 + 1 + 1)); // created, 3 items added, 1 completed, renamed
    expect(contentOf(await rowsOf('acme'))).toEqual(contentOf(acme));
    // Not rewritten: each globex row still carries the transaction that wrote it before.
    expect(await rowsOf('globex')).toEqual(globex);
    const shown = (await as('ann', http().get(`/lists/${acmeLists[2]}`)).expect(200)).body as { title: string };
    expect(shown.title).toBe('ann list 2 renamed');
  });

  it('lets commands of both tenants that run during rebuilds land exactly once', async () => {
    const [acmeList] = acmeLists;
    const [globexList] = globexLists;
    const before = { acme: (await rowsOf('acme')).items.length, globex: (await rowsOf('globex')).items.length };
    const commands = [
      ...Array.from({ length: 12 }, (_, i) =>
        as(
          'ann',
          http()
            .post(`/lists/${acmeList}/items`)
            .send({ text: `live ${i}` }),
        ).expect(201),
      ),
      ...Array.from({ length: 6 }, (_, i) =>
        as(
          'gil',
          http()
            .post(`/lists/${globexList}/items`)
            .send({ text: `live ${i}` }),
        ).expect(201),
      ),
    ];
    const rebuilds = (async () => {
      for (let i = 0; i < 4; i++) await rebuildTenant('acme');
    })();
    await Promise.all([...commands, rebuilds]);
    await caughtUp();

    const acme = await rowsOf('acme');
    const globex = await rowsOf('globex');
    expect(acme.items).toHaveLength(before.acme + 12);
    expect(globex.items).toHaveLength(before.globex + 6);
    const list = acme.lists.find((row) => row.id === acmeList)!;
    expect(list.item_count).toBe(3 + 12);
    expect(acme.items.filter((item) => item.list_id === acmeList)).toHaveLength(3 + 12);
    const status = await todo.app.get(Subscriptions).statusOf(PROJECTION);
    expect(status).toMatchObject({ state: 'caught-up', parked: 0 });
    // What the live subscriber applied equals what a replay of the events makes of them.
    await rebuildTenant('acme');
    expect(contentOf(await rowsOf('acme'))).toEqual(contentOf(acme));
  });

  it("recomputes a tenant's permissions from its events over the operator route, leaving the other tenant's rows", async () => {
    const permissionsOf = (tenant: string) =>
      dataSource.query<Record<string, unknown>[]>(
        `SELECT xmin::text AS xmin, tenant_id, actor_id, aggregate_type, aggregate_id, permission, granted_at::text
           FROM es_permissions WHERE tenant_id = $1 ORDER BY actor_id, aggregate_type, aggregate_id, permission`,
        [tenant],
      );
    const acme = await permissionsOf('acme');
    const globex = await permissionsOf('globex');
    expect(acme.length).toBeGreaterThanOrEqual(3);
    // ann loses what creating her list granted her, and is refused on it.
    await dataSource.query("DELETE FROM es_permissions WHERE tenant_id = 'acme' AND aggregate_id = $1", [acmeLists[1]]);
    await as('ann', http().post(`/lists/${acmeLists[1]}/items`).send({ text: 'refused' })).expect(403);

    const answer = await admin(http().post('/admin/permissions/rebuild').query({ tenantId: 'acme' })).expect(200);

    expect(answer.body).toMatchObject({ tenantId: 'acme', events: expect.any(Number) });
    expect(answer.body.types).toContain('todo.list-created');
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ xmin: _xmin, ...row }) => row);
    expect(strip(await permissionsOf('acme'))).toEqual(strip(acme));
    expect(await permissionsOf('globex')).toEqual(globex);
    await as('ann', http().post(`/lists/${acmeLists[1]}/items`).send({ text: 'allowed again' })).expect(201);
    // Every tenant at once: the same rows again.
    const all = await admin(http().post('/admin/permissions/rebuild')).expect(200);
    expect(all.body.tenantId).toBeUndefined();
    expect(strip(await permissionsOf('globex'))).toEqual(strip(globex));
    await admin(http().post('/admin/permissions/rebuild').query({ tenantId: '' })).expect(400);
  });

  it('answers 404 for an unknown projection and 400 for a tenant id with a NUL in it', async () => {
    const unknown = await admin(http().post('/admin/subscriptions/nope/tenants/acme/rebuild')).expect(404);
    expect(unknown.body.code).toBe('ES_UNKNOWN_SUBSCRIBER');
    await admin(http().post(`/admin/subscriptions/${PROJECTION}/tenants/a%00b/rebuild`)).expect(400);
    await http().post(`/admin/subscriptions/${PROJECTION}/tenants/acme/rebuild`).expect(401);
  });
});
