import { EventStore } from 'nest-event-sourcing';
import { startTodoApp, type TodoTestApp } from './support/todo-app';

describe('todo app: list commands over HTTP', () => {
  let todo: TodoTestApp;
  const http = () => todo.http();
  const countEvents = () => todo.countEvents();
  const createList = async (title?: string): Promise<string> => (await todo.createList(title)).id;
  const addItem = async (listId: string): Promise<string> => (await todo.addItem(listId)).itemId;

  beforeAll(async () => {
    todo = await startTodoApp('todo_http');
  });
  afterAll(() => todo?.close());

  it('creates a list: 201 with id, version and position, Location and ETag', async () => {
    const response = await http().post('/lists').send({ title: ' Groceries ' }).expect(201);
    const { id } = response.body as { id: string };
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      version: 1,
      position: expect.stringMatching(/^\d+$/),
    });
    expect(response.headers.location).toBe(`/lists/${id}`);
    expect(response.headers.etag).toBe('"1"');
    const [created] = await todo.app.get(EventStore).readStream(`todolist-${id}`);
    expect(created).toMatchObject({ type: 'todo.list-created', data: { listId: id, title: 'Groceries' } });
  });

  it('renames a list with PATCH, and a rename to the same title changes nothing', async () => {
    const id = await createList();
    const renamed = await http().patch(`/lists/${id}`).send({ title: 'Food' }).expect(200);
    expect(renamed.body).toMatchObject({ id, version: 2, position: expect.stringMatching(/^\d+$/) });
    expect(renamed.headers.etag).toBe('"2"');
    const same = await http().patch(`/lists/${id}`).send({ title: 'Food' }).expect(200);
    expect(same.body).toEqual({ id, version: 2, position: null });
  });

  it('adds, completes, reopens and removes an item', async () => {
    const id = await createList();
    const added = await http().post(`/lists/${id}/items`).send({ text: 'Milk' }).expect(201);
    const { itemId } = added.body as { itemId: string };
    expect(added.body).toMatchObject({ id, version: 2, itemId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(added.headers.location).toBe(`/lists/${id}/items/${itemId}`);
    const completed = await http().post(`/lists/${id}/items/${itemId}/complete`).expect(200);
    expect(completed.body).toEqual({ id, version: 3, position: expect.stringMatching(/^\d+$/) });
    expect((await http().post(`/lists/${id}/items/${itemId}/complete`).expect(200)).body.version).toBe(3);
    expect((await http().post(`/lists/${id}/items/${itemId}/reopen`).expect(200)).body.version).toBe(4);
    const removed = await http().delete(`/lists/${id}/items/${itemId}`).expect(200);
    expect(removed.headers.etag).toBe('"5"');
    const types = (await todo.app.get(EventStore).readStream(`todolist-${id}`)).map((e) => e.type);
    expect(types).toEqual([
      'todo.list-created',
      'todo.item-added',
      'todo.item-completed',
      'todo.item-reopened',
      'todo.item-removed',
    ]);
  });

  it('archives a list (soft-deleted: kept, refusing changes with 410) and restores it with its items', async () => {
    const id = await createList();
    const itemId = await addItem(id);
    await http().post(`/lists/${id}/archive`).expect(200);
    const refused = await http().post(`/lists/${id}/items`).send({ text: 'Eggs' }).expect(410);
    expect(refused.body).toMatchObject({ code: 'ES_AGGREGATE_DELETED', status: 410 });
    await http().patch(`/lists/${id}`).send({ title: 'Other' }).expect(410);
    await http().post(`/lists/${id}/archive`).expect(410);
    const restored = await http().post(`/lists/${id}/restore`).expect(200);
    // created, item added, archived + es.stream-deleted, restored + es.stream-restored.
    expect(restored.body.version).toBe(6);
    await http().post(`/lists/${id}/items/${itemId}/complete`).expect(200);
    const notArchived = await http().post(`/lists/${id}/restore`).expect(422);
    expect(notArchived.body.rule).toBe('invalid-state');
  });

  it('answers an unknown list with 404 ES_AGGREGATE_NOT_FOUND and an unknown item with 404 NOT_FOUND', async () => {
    const unknownList = await http().post('/lists/nope/archive').expect(404);
    expect(unknownList.body).toMatchObject({ code: 'ES_AGGREGATE_NOT_FOUND', instance: '/lists/nope/archive' });
    await http().patch('/lists/nope').send({ title: 'x' }).expect(404);
    const id = await createList();
    const unknownItem = await http().post(`/lists/${id}/items/nope/complete`).expect(404);
    expect(unknownItem.body).toMatchObject({ code: 'NOT_FOUND', detail: expect.stringContaining('has no item nope') });
    await http().delete(`/lists/${id}/items/nope`).expect(404);
  });

  it.each<[string, unknown]>([
    ['no title', {}],
    ['a blank title', { title: '   ' }],
    ['a title of 201 characters', { title: 'x'.repeat(201) }],
    ['a title that is a number', { title: 7 }],
    ['an unknown field', { title: 'Groceries', colour: 'red' }],
  ])('refuses a list with %s: 400 VALIDATION_FAILED, nothing written', async (_name, body) => {
    const before = await countEvents();
    const response = await http()
      .post('/lists')
      .send(body as object)
      .expect(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(await countEvents()).toBe(before);
  });

  it('refuses malformed JSON and a body over 64 kB, writing nothing', async () => {
    const id = await createList();
    const before = await countEvents();
    const malformed = await http()
      .post(`/lists/${id}/items`)
      .set('Content-Type', 'application/json')
      .send('{"text":')
      .expect(400);
    expect(malformed.body.code).toBe('MALFORMED_JSON');
    const large = await http()
      .post(`/lists/${id}/items`)
      .send({ text: 'x'.repeat(70_000) })
      .expect(413);
    expect(large.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await countEvents()).toBe(before);
  });

  it('honours If-Match: the current ETag runs, a stale one answers 412, a malformed one 400', async () => {
    const id = await createList();
    const renamed = await http()
      .patch(`/lists/${id}`)
      .set('If-Match', '"1"')
      .send({ title: 'Food for the week' })
      .expect(200);
    const stale = await http().post(`/lists/${id}/items`).set('If-Match', '"1"').send({ text: 'Milk' }).expect(412);
    expect(stale.body).toMatchObject({ code: 'PRECONDITION_FAILED', expectedVersion: 1, actualVersion: 2 });
    await http().post(`/lists/${id}/items`).set('If-Match', renamed.headers.etag!).send({ text: 'Milk' }).expect(201);
    await http().post(`/lists/${id}/archive`).set('If-Match', 'latest').expect(400);
  });

  it('replays a repeated Idempotency-Key request and refuses the key with another body', async () => {
    const id = await createList();
    const before = await countEvents();
    const send = (text: string) =>
      http().post(`/lists/${id}/items`).set('Idempotency-Key', `item-${id}`).send({ text });
    const first = await send('Milk').expect(201);
    const again = await send('Milk').expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await send('Eggs').expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await countEvents()).toBe(before + 1);
  });

  it('serves the OpenAPI docs at /docs', async () => {
    const document = await http().get('/docs-json').expect(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/lists', '/lists/{id}', '/lists/{id}/items', '/lists/{id}/items/{itemId}/complete']),
    );
  });
});
