import { Subscriptions } from 'nest-event-sourcing';
import { DataSource } from 'typeorm';
import { waitForCondition } from './support/app-process';
import { startTodoApp, type ListWritten, type TodoTestApp } from './support/todo-app';

/** A command that changed the list: it has a position to read at. */
type Changed = ListWritten & { position: string };

/** A page of GET /lists. */
interface ListPage {
  items: { id: string; title: string; status: string }[];
  next: string | null;
}

// The read side of the todo app over HTTP: lists and their items from the todo-lists
// projection, with read-your-writes through ?minPosition.
describe('todo app: reads from the todo-lists projection', () => {
  let todo: TodoTestApp;
  const http = () => todo.http();
  const createList = (title: string) => todo.createList(title);
  const addItem = (listId: string, text: string) => todo.addItem(listId, text);
  const post = async (path: string): Promise<Changed> => (await http().post(path).expect(200)).body as Changed;
  const remove = async (path: string): Promise<Changed> => (await http().delete(path).expect(200)).body as Changed;

  beforeAll(async () => {
    todo = await startTodoApp('todo_reads');
  });
  afterAll(() => todo?.close());

  /** Every list id of one status, page by page, read once the projection is at `position`. */
  const allIds = async (position: string, filter: string, limit = 2): Promise<string[]> => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const query = `limit=${limit}&minPosition=${position}${filter}${after ? `&after=${after}` : ''}`;
      const body = (await http().get(`/lists?${query}`).expect(200)).body as ListPage;
      seen.push(...body.items.map((list) => list.id));
      if (!body.next) return seen;
      after = body.next;
    }
    throw new Error('GET /lists never reached its last page');
  };

  it('GET /lists/:id?minPosition= answers the list as of the command just made, items in order, with its ETag', async () => {
    const { id } = await createList('Groceries');
    const milk = await addItem(id, 'Milk');
    const eggs = await addItem(id, 'Eggs');
    await addItem(id, 'Bread');
    await post(`/lists/${id}/items/${milk.itemId}/complete`);
    const removed = await remove(`/lists/${id}/items/${eggs.itemId}`);
    const response = await http().get(`/lists/${id}?minPosition=${removed.position}`).expect(200);
    expect(response.body).toEqual({
      id,
      title: 'Groceries',
      status: 'active',
      version: 6,
      itemCount: 2,
      completedCount: 1,
      updatedAt: expect.any(String),
      items: [
        { id: milk.itemId, text: 'Milk', done: true, completedAt: expect.any(String) },
        { id: expect.any(String), text: 'Bread', done: false, completedAt: null },
      ],
    });
    expect(response.headers.etag).toBe('"6"');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('its ETag is what a command takes as If-Match', async () => {
    const { id, position } = await createList('Chores');
    const read = await http().get(`/lists/${id}?minPosition=${position}`).expect(200);
    const renamed = await http().patch(`/lists/${id}`).set('If-Match', read.headers.etag!).send({ title: 'Jobs' });
    expect(renamed.status).toBe(200);
    const { position: after } = renamed.body as Changed;
    expect((await http().get(`/lists/${id}?minPosition=${after}`).expect(200)).body).toMatchObject({
      title: 'Jobs',
      version: 2,
    });
  });

  it('reopening and removing a done item bring the counts back', async () => {
    const { id } = await createList('Counts');
    const a = await addItem(id, 'A');
    const b = await addItem(id, 'B');
    await post(`/lists/${id}/items/${a.itemId}/complete`);
    await post(`/lists/${id}/items/${b.itemId}/complete`);
    await post(`/lists/${id}/items/${a.itemId}/reopen`);
    const removed = await remove(`/lists/${id}/items/${b.itemId}`);
    const response = await http().get(`/lists/${id}?minPosition=${removed.position}`).expect(200);
    expect(response.body).toMatchObject({
      itemCount: 1,
      completedCount: 0,
      items: [{ id: a.itemId, done: false, completedAt: null }],
    });
  });

  it('an archived list leaves GET /lists for ?archived=true, keeps its items, and comes back when restored', async () => {
    const { id } = await createList('Holidays');
    await addItem(id, 'Passport');
    const archived = await post(`/lists/${id}/archive`);
    expect(await allIds(archived.position, '')).not.toContain(id);
    expect(await allIds(archived.position, '&archived=false')).not.toContain(id);
    expect(await allIds(archived.position, '&archived=true')).toContain(id);
    const read = await http().get(`/lists/${id}?minPosition=${archived.position}`).expect(200);
    expect(read.body).toMatchObject({ status: 'archived', itemCount: 1, items: [{ text: 'Passport' }] });

    const restored = await post(`/lists/${id}/restore`);
    expect(await allIds(restored.position, '')).toContain(id);
    expect(await allIds(restored.position, '&archived=true')).not.toContain(id);
    const back = await http().get(`/lists/${id}?minPosition=${restored.position}`).expect(200);
    // Archive and restore each took two versions: the domain event and the store's lifecycle event.
    expect(back.body).toMatchObject({ status: 'active', version: 6, itemCount: 1 });
  });

  it('GET /lists pages through the lists by id, each once, next null at the end', async () => {
    const created: Changed[] = [];
    for (const title of ['P1', 'P2', 'P3', 'P4', 'P5']) created.push(await createList(title));
    const last = created.at(-1)!.position;
    const seen = await allIds(last, '', 2);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(created.map((c) => c.id)));

    const first = (await http().get(`/lists?limit=1&minPosition=${last}`).expect(200)).body as ListPage;
    expect(first.items).toHaveLength(1);
    expect(first.items[0]).toEqual({
      id: first.next,
      title: expect.any(String),
      status: 'active',
      version: expect.any(Number),
      itemCount: expect.any(Number),
      completedCount: expect.any(Number),
      updatedAt: expect.any(String),
    });
    const all = (await http().get(`/lists?limit=100&minPosition=${last}`).expect(200)).body as ListPage;
    expect(all.next).toBeNull();
    expect(all.items.map((list) => list.id)).toEqual(seen);
  });

  it('answers 404 problem+json for an unknown list', async () => {
    const response = await http().get('/lists/nope').expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 404, code: 'NOT_FOUND', instance: '/lists/nope' });
  });

  it.each([
    ['limit=0', '/lists?limit=0'],
    ['limit=101', '/lists?limit=101'],
    ['limit=abc', '/lists?limit=abc'],
    ['limit=1.5', '/lists?limit=1.5'],
    ['an empty after', '/lists?after='],
    ['archived=yes', '/lists?archived=yes'],
    ['minPosition=0', '/lists?minPosition=0'],
    ['minPosition=-1', '/lists?minPosition=-1'],
    ['an unknown parameter', '/lists?sort=title'],
    ['a paging parameter on one list', '/lists/nope?limit=5'],
    ['minPosition=abc on one list', '/lists/nope?minPosition=abc'],
  ])('answers %s with 400 VALIDATION_FAILED', async (_name, path) => {
    const response = await http().get(path).expect(400);
    expect(response.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('names each refused query parameter in errors', async () => {
    const response = await http().get('/lists?limit=0&colour=red').expect(400);
    const fields = (response.body.errors as { field: string }[]).map((error) => error.field);
    expect(fields.sort()).toEqual(['colour', 'limit']);
  });

  it('answers 503 ES_WAIT_TIMEOUT when the read model does not reach minPosition in time', async () => {
    for (const path of ['/lists?minPosition=999999999', '/lists/nope?minPosition=999999999']) {
      const response = await http().get(path).expect(503);
      expect(response.body).toMatchObject({ status: 503, code: 'ES_WAIT_TIMEOUT' });
    }
  }, 20_000);

  it('reports the projection in /health', async () => {
    const response = await http().get('/health').expect(200);
    expect(response.body.details.projections).toMatchObject({
      status: 'up',
      subscribers: { 'todo-lists': { lag: expect.any(Number) } },
    });
  });

  it('documents the reads in the OpenAPI docs', async () => {
    const { paths } = (await http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    };
    const names = (path: string) => (paths[path]?.get?.parameters ?? []).map((p) => p.name);
    expect(names('/lists')).toEqual(expect.arrayContaining(['limit', 'after', 'archived', 'minPosition']));
    expect(names('/lists/{id}')).toEqual(expect.arrayContaining(['id', 'minPosition']));
  });

  it('a rebuild replays every event into the same read model', async () => {
    // Something of every kind: renamed, items done, reopened and removed, archived, restored.
    const { id } = await createList('Rebuilt');
    await http().patch(`/lists/${id}`).send({ title: 'Rebuilt again' }).expect(200);
    const one = await addItem(id, 'One');
    const two = await addItem(id, 'Two');
    await post(`/lists/${id}/items/${one.itemId}/complete`);
    await post(`/lists/${id}/items/${two.itemId}/complete`);
    await post(`/lists/${id}/items/${two.itemId}/reopen`);
    await remove(`/lists/${id}/items/${one.itemId}`);
    const other = await createList('Archived');
    await addItem(other.id, 'Kept');
    await post(`/lists/${other.id}/archive`);
    const subscriptions = todo.app.get(Subscriptions);
    // Generous: a transaction open anywhere on the shared test server holds every projection back.
    await subscriptions.waitUntilCaughtUp(['todo-lists'], { timeoutMs: 30_000 });
    const before = await readModel();
    expect(before.lists.length).toBeGreaterThanOrEqual(2);

    // Spoil the read model: only a replay from the first event puts it right again.
    const dataSource = todo.app.get(DataSource);
    await dataSource.query(`UPDATE todo_list_views SET title = 'spoilt', item_count = 99 WHERE id = $1`, [id]);
    await dataSource.query('DELETE FROM todo_item_views WHERE list_id = $1', [other.id]);

    await subscriptions.rebuild('todo-lists');
    // Caught up after a rebuild: the replay has passed the head and marked the checkpoint active.
    await waitForCondition(async () => (await subscriptions.statusOf('todo-lists')).state === 'caught-up', 30_000);

    expect(await readModel()).toEqual(before);
  });

  /** Every row of both read-model tables, in a stable order. */
  async function readModel(): Promise<{ lists: unknown[]; items: unknown[] }> {
    const dataSource = todo.app.get(DataSource);
    return {
      lists: await dataSource.query('SELECT * FROM todo_list_views ORDER BY id'),
      items: await dataSource.query('SELECT * FROM todo_item_views ORDER BY list_id, added_version'),
    };
  }
});
