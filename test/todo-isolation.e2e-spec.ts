import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { startTodoApp, type TodoTestApp } from './support/todo-app';
import { TODO_AUTH_SECRET, todoToken } from './support/todo-tokens';

const ADMIN_TOKEN = 'todo-isolation-admin-token';

/** What a route answers tenant B (gil of globex) calling it with tenant A's ids. */
interface RouteCase {
  /** The status, or the ones it may be. */
  status: number | number[];
  /** The body sent: a valid one, so that validation does not answer before the lookup. */
  send?: object;
  /** True for the one route that writes B's own data (creating a list): it may add events. */
  ownWrite?: true;
}

const docs: RouteCase = { status: 200 };
const adminOnly: RouteCase = { status: 401 };
const notFound = (send?: object): RouteCase => ({ status: 404, ...(send ? { send } : {}) });

/**
 * Every route of the todo app (as Nest's router holds it) and what tenant B gets from it
 * with tenant A's ids. A route added to the app without a line here fails the first test.
 */
const ROUTES: Record<string, RouteCase> = {
  'GET /docs': docs,
  'GET /docs/index.html': docs,
  'GET /docs/swagger-ui-init.js': docs,
  'GET /docs/docs/swagger-ui-init.js': docs,
  // swagger-ui-dist ships no LICENSE file any more: the route answers the app's 404.
  'GET /docs/LICENSE': { status: 404 },
  'GET /docs-json': docs,
  'GET /docs-yaml': docs,
  // The app's health, whatever it is at the moment (503 while the projection lags under
  // load): it holds no tenant's data either way, which is what is checked here.
  'GET /health': { status: [200, 503] },
  'POST /lists': { status: 201, send: { title: 'Globex own list' }, ownWrite: true },
  'GET /lists': { status: 200 },
  'GET /lists/:id': notFound(),
  'PATCH /lists/:id': notFound({ title: 'Taken over' }),
  'POST /lists/:id/items': notFound({ text: 'Globex item' }),
  'POST /lists/:id/items/:itemId/complete': notFound(),
  'POST /lists/:id/items/:itemId/reopen': notFound(),
  'DELETE /lists/:id/items/:itemId': notFound(),
  'POST /lists/:id/archive': notFound(),
  'POST /lists/:id/restore': notFound(),
  'POST /lists/:id/members': notFound({ userId: 'gil', role: 'editor' }),
  'DELETE /lists/:id/members/:userId': notFound(),
  // The operator routes take the admin token, not a user's.
  'DELETE /lists/:id': adminOnly,
  'GET /events': adminOnly,
  'GET /admin/streams/:streamId': adminOnly,
  'GET /admin/subscriptions': adminOnly,
  'POST /admin/subscriptions/rebuild': adminOnly,
  'POST /admin/subscriptions/:name/rebuild': adminOnly,
  'POST /admin/subscriptions/:name/tenants/:tenantId/rebuild': adminOnly,
  'POST /admin/permissions/rebuild': adminOnly,
  'GET /admin/subscriptions/parked': adminOnly,
  'POST /admin/subscriptions/:name/parked/:eventId/retry': adminOnly,
  'DELETE /admin/subscriptions/:name/parked/:eventId': adminOnly,
  'GET /admin': { status: 200 },
  'GET /admin/admin.js': { status: 200 },
  'GET /admin/admin.css': { status: 200 },
};

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

// Isolation by construction over HTTP: every route of the app, called by tenant B with
// tenant A's ids, answers as if A's list did not exist, names nothing of A, and writes
// nothing; operators see every tenant and filter by one.
describe('todo app with AUTH_SECRET: every route keeps tenant A from tenant B', () => {
  let todo: TodoTestApp;
  let gil: string;
  const http = () => todo.http();
  const admin = (request: Test): Test => request.set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  const title = `Acme launch plan ${randomUUID()}`;
  const itemText = `Acme item ${randomUUID()}`;
  // Names no other text holds, so that finding one in an answer means it leaked.
  const [annId, bobId, acmeId] = ['ann', 'bob', 'acme'].map((name) => `${name}-${randomUUID().slice(0, 8)}`) as [
    string,
    string,
    string,
  ];
  let ann: string;
  let listId: string;
  let itemId: string;
  /** The position of tenant A's last write in `beforeAll`, for reads of the read model. */
  let lastWrite: string;

  /** What of A's may never reach B: its title and items, its users, its tenant, its ids. */
  const secretsOfA = () => [title, itemText, annId, bobId, acmeId, listId, itemId, `todolist-${listId}`];
  /** The text of an answer with every value B sent removed, then checked for A's data. */
  const expectNothingOfA = (label: string, text: string, sent: string[]): void => {
    const rest = sent.filter((value) => value.length > 0).reduce((acc, value) => acc.split(value).join(''), text);
    for (const secret of secretsOfA())
      expect({ label, leaks: rest.includes(secret) ? secret : null }).toEqual({ label, leaks: null });
  };

  const routesOfApp = (): string[] => {
    const router = (todo.app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } }).router;
    const routes = router.stack.flatMap(({ route }) =>
      route
        ? Object.keys(route.methods).map((method) => `${method.toUpperCase()} ${route.path.replace(/(.)\/$/, '$1')}`)
        : [],
    );
    return [...new Set(routes)].sort();
  };

  beforeAll(async () => {
    todo = await startTodoApp('todo_isolation', { AUTH_SECRET: TODO_AUTH_SECRET, ADMIN_TOKEN });
    ann = await todoToken(annId, acmeId);
    gil = await todoToken('gil', 'globex');
    const asAnn = (request: Test): Test => request.set('Authorization', `Bearer ${ann}`);
    listId = ((await asAnn(http().post('/lists').send({ title })).expect(201)).body as { id: string }).id;
    await asAnn(http().post(`/lists/${listId}/members`).send({ userId: bobId, role: 'viewer' })).expect(200);
    const added = await asAnn(http().post(`/lists/${listId}/items`).send({ text: itemText })).expect(201);
    ({ itemId, position: lastWrite } = added.body as { itemId: string; position: string });
    await http().post('/lists').set('Authorization', `Bearer ${gil}`).send({ title: 'Globex plan' }).expect(201);
  });
  afterAll(() => todo?.close());

  it("has a decision for every route Nest's router holds", () => {
    expect(routesOfApp()).toEqual(Object.keys(ROUTES).sort());
  });

  it("answers tenant B on every route as if tenant A's list did not exist, and writes nothing", async () => {
    const params: Record<string, string> = {
      id: listId,
      itemId,
      userId: bobId,
      streamId: `todolist-${listId}`,
      name: 'todo-lists',
      eventId: randomUUID(),
      tenantId: acmeId,
    };
    for (const route of routesOfApp()) {
      const { status, send, ownWrite } = ROUTES[route]!;
      const [method, pattern] = route.split(' ') as [string, string];
      const path = pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => params[name]!);
      const before = await todo.countEvents();
      const request = http()
        [method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path)
        .set('Authorization', `Bearer ${gil}`);
      const answer = await (send ? request.send(send) : request);
      const expected = Array.isArray(status) && status.includes(answer.status) ? answer.status : status;
      expect({ route, status: answer.status }).toEqual({ route, status: expected });
      if (answer.status >= 400) expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      const sent = [...path.split('/'), ...Object.values(send ?? {}).map(String)];
      expectNothingOfA(route, answer.text, sent);
      if (!ownWrite) expect({ route, events: await todo.countEvents() }).toEqual({ route, events: before });
    }
    // And A's list is as A left it (read once the projection has A's last write: under load
    // another session's open transaction on the server can hold it back for a moment).
    const asAnn = http().get(`/lists/${listId}?minPosition=${lastWrite}`).set('Authorization', `Bearer ${ann}`);
    expect((await asAnn.expect(200)).body).toMatchObject({ title, items: [{ text: itemText }] });
  });

  it("lists none of tenant A's lists for tenant B, archived or not", async () => {
    for (const archived of [false, true]) {
      const page = await http()
        .get('/lists')
        // Once the read model holds A's lists: their absence then means they are kept from B.
        .query({ limit: 100, archived, minPosition: lastWrite })
        .set('Authorization', `Bearer ${gil}`)
        .expect(200);
      expectNothingOfA('GET /lists', page.text, []);
    }
  });

  it("never replays one tenant's or user's response to another's Idempotency-Key", async () => {
    const key = { 'Idempotency-Key': 'list-1' };
    const body = { title: `Keyed ${randomUUID()}` };
    const bobToken = await todoToken(bobId, acmeId);
    const create = (token: string) => http().post('/lists').set(key).set('Authorization', `Bearer ${token}`).send(body);
    const first = (await create(ann).expect(201)).body as { id: string };
    const again = await create(ann).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((again.body as { id: string }).id).toBe(first.id);
    // The same key and body from another tenant, then from another user of A's tenant: their own lists.
    for (const token of [gil, bobToken]) {
      const answer = await create(token);
      expect({ status: answer.status, replayed: answer.headers['idempotent-replayed'] }).toMatchObject({
        status: token === gil ? 201 : 409,
        replayed: undefined,
      });
      expectNothingOfA('Idempotency-Key replay', answer.text, [body.title]);
    }
    // A key A used, with another body from B: B's own new request, not "key reused" (which would tell A used it).
    const other = { 'Idempotency-Key': 'list-2' };
    await http()
      .post('/lists')
      .set(other)
      .set('Authorization', `Bearer ${ann}`)
      .send({ title: `A ${randomUUID()}` })
      .expect(201);
    const own = await http()
      .post('/lists')
      .set(other)
      .set('Authorization', `Bearer ${gil}`)
      .send({ title: 'Of Globex' });
    expect(own.status).toBe(201);
  });

  it('shows operators every tenant, and with tenantId only that one, in every filter', async () => {
    const events = async (query: Record<string, string | number>) =>
      (
        await admin(
          http()
            .get('/events')
            .query({ limit: 1000, ...query }),
        ).expect(200)
      ).body.events as {
        streamId: string;
        metadata: { tenantId?: string };
      }[];
    const all = await events({});
    expect(new Set(all.map((event) => event.metadata.tenantId))).toEqual(new Set([acmeId, 'globex']));
    const globex = await events({ tenantId: 'globex' });
    expect(globex.length).toBeGreaterThan(0);
    expect(globex.every((event) => event.metadata.tenantId === 'globex')).toBe(true);
    expectNothingOfA('GET /events?tenantId=globex', JSON.stringify(globex), []);
    const acme = await events({ tenantId: acmeId });
    expect(acme.map((event) => event.streamId)).toContain(`todolist-${listId}`);
    expect(acme.every((event) => event.metadata.tenantId === acmeId)).toBe(true);
    expect(await events({ tenantId: 'globex', stream: `todolist-${listId}` })).toEqual([]);
    const any = JSON.stringify([
      { stream: [`todolist-${listId}`], tenantId: 'globex' },
      { type: ['todo.list-created'], tenantId: 'globex' },
    ]);
    const created = await events({ any });
    expect(created.length).toBeGreaterThan(0);
    expect(created.every((event) => event.metadata.tenantId === 'globex')).toBe(true);
    expect(await events({ tenantId: 'no-such-tenant' })).toEqual([]);
    // Operators work without a tenant: a stream of any tenant is theirs to inspect.
    await admin(http().get(`/admin/streams/todolist-${listId}`)).expect(200);
  });
});
