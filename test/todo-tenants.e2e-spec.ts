import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { captureLogs } from './support/captured-logs';
import { startTodoApp, type TodoTestApp } from './support/todo-app';
import { TODO_AUTH_SECRET, todoToken } from './support/todo-tokens';

const ADMIN_TOKEN = 'todo-tenants-admin-token';

// Two tenants in one todo app: acme (ann, bob) and globex (gil). A list of one tenant
// does not exist for the other, on every route; titles are unique per tenant; operators
// see both and filter by one; a rebuilt read model keeps them apart.
describe('todo app with AUTH_SECRET: tenants kept apart', () => {
  let todo: TodoTestApp;
  const tokens = { ann: '', bob: '', gil: '' };
  type User = keyof typeof tokens;
  const as = (user: User, request: Test): Test => request.set('Authorization', `Bearer ${tokens[user]}`);
  const admin = (request: Test): Test => request.set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  const http = () => todo.http();
  const secret = `Acme secret plans ${randomUUID()}`;
  let listId: string;
  let itemId: string;
  let lastPosition: string;

  beforeAll(async () => {
    todo = await startTodoApp('todo_tenants', { AUTH_SECRET: TODO_AUTH_SECRET, ADMIN_TOKEN });
    tokens.ann = await todoToken('ann', 'acme');
    tokens.bob = await todoToken('bob', 'acme');
    tokens.gil = await todoToken('gil', 'globex');
    listId = (await as('ann', http().post('/lists').send({ title: secret })).expect(201)).body.id as string;
    await as('ann', http().post(`/lists/${listId}/members`).send({ userId: 'bob', role: 'viewer' })).expect(200);
    const added = await as('ann', http().post(`/lists/${listId}/items`).send({ text: 'Acme item' })).expect(201);
    ({ itemId, position: lastPosition } = added.body as { itemId: string; position: string });
  });
  afterAll(() => todo?.close());

  it('answers 404 on every route to a list of another tenant, naming nothing of it, and writes nothing', async () => {
    const before = await todo.countEvents();
    const routes: [string, Test][] = [
      ['GET /lists/:id', http().get(`/lists/${listId}`)],
      ['PATCH /lists/:id', http().patch(`/lists/${listId}`).send({ title: 'Mine' })],
      ['POST items', http().post(`/lists/${listId}/items`).send({ text: 'x' })],
      ['complete', http().post(`/lists/${listId}/items/${itemId}/complete`)],
      ['reopen', http().post(`/lists/${listId}/items/${itemId}/reopen`)],
      ['DELETE item', http().delete(`/lists/${listId}/items/${itemId}`)],
      ['archive', http().post(`/lists/${listId}/archive`)],
      ['restore', http().post(`/lists/${listId}/restore`)],
      ['POST members', http().post(`/lists/${listId}/members`).send({ userId: 'gil', role: 'editor' })],
      ['DELETE member', http().delete(`/lists/${listId}/members/bob`)],
    ];
    const logs = captureLogs();
    try {
      for (const [route, request] of routes) {
        const answer = await as('gil', request);
        expect({ route, status: answer.status }).toEqual({ route, status: 404 });
        // Nothing of the list: neither its title, nor its items, nor its members (the URL aside).
        expect(JSON.stringify(answer.body)).not.toMatch(/Acme|ann/);
      }
    } finally {
      logs.restore();
    }
    expect(logs.lines.map((line) => line.text).join('\n')).not.toContain(secret);
    expect(await todo.countEvents()).toBe(before);
  });

  it('answers 403, not 404, to a user of the same tenant without the permission', async () => {
    await as('bob', http().post(`/lists/${listId}/items`).send({ text: 'x' })).expect(403);
    await as('bob', http().get(`/lists/${listId}`).query({ minPosition: lastPosition })).expect(200);
  });

  it('lists the lists of the caller’s tenant only', async () => {
    const gilList = (await as('gil', http().post('/lists').send({ title: 'Globex list' })).expect(201)).body as {
      id: string;
      position: string;
    };
    const query = { limit: 100, minPosition: gilList.position };
    const globex = (await as('gil', http().get('/lists').query(query)).expect(200)).body.items as { id: string }[];
    expect(globex.map((list) => list.id)).toEqual([gilList.id]);
    const acme = (await as('ann', http().get('/lists').query(query)).expect(200)).body.items as { id: string }[];
    expect(acme.map((list) => list.id)).toContain(listId);
    expect(acme.map((list) => list.id)).not.toContain(gilList.id);
  });

  it('keeps titles unique per tenant: the same title in another tenant is free', async () => {
    const title = `Team plan ${randomUUID().slice(0, 8)}`;
    await as('ann', http().post('/lists').send({ title })).expect(201);
    await as('gil', http().post('/lists').send({ title })).expect(201);
    const taken = await as(
      'bob',
      http()
        .post('/lists')
        .send({ title: ` ${title.toUpperCase()} ` }),
    ).expect(409);
    expect(taken.body.rule).toBe('list-title-taken');
  });

  it('shows operators every tenant, filtered by one on request', async () => {
    const all = (await admin(http().get('/events').query({ limit: 1000 })).expect(200)).body.events as {
      metadata: { tenantId?: string };
    }[];
    expect(new Set(all.map((event) => event.metadata.tenantId))).toEqual(new Set(['acme', 'globex']));
    const globex = (await admin(http().get('/events').query({ tenantId: 'globex', limit: 1000 })).expect(200)).body
      .events as { metadata: { tenantId?: string }; streamId: string }[];
    expect(globex.length).toBeGreaterThan(0);
    expect(globex.every((event) => event.metadata.tenantId === 'globex')).toBe(true);
    expect(globex.map((event) => event.streamId)).not.toContain(`todolist-${listId}`);
  });

  it('keeps the tenants apart in a rebuilt read model', async () => {
    const last = (await as('gil', http().post('/lists').send({ title: 'After rebuild' })).expect(201)).body as {
      id: string;
      position: string;
    };
    await admin(http().post('/admin/subscriptions/todo-lists/rebuild')).expect(202);
    const query = { limit: 100, minPosition: last.position };
    const globex = (await as('gil', http().get('/lists').query(query)).expect(200)).body.items as { id: string }[];
    expect(globex.map((list) => list.id)).toContain(last.id);
    expect(globex.map((list) => list.id)).not.toContain(listId);
    await as('ann', http().get(`/lists/${listId}`).query({ minPosition: last.position })).expect(200);
    await as('gil', http().get(`/lists/${listId}`)).expect(404);
  });
});
