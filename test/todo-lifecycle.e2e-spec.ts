import { EventStore, STREAM_DELETED, STREAM_RESTORED, Subscriptions } from 'nest-event-sourcing';
import { DataSource } from 'typeorm';
import { ADMIN_TOKEN } from './support/bank-app';
import { startTodoApp, type TodoTestApp } from './support/todo-app';

// Archive and restore are the library's soft delete; DELETE /lists/:id, an operator
// route behind the admin token, its hard delete.
describe('todo app: archived lists are soft-deleted, DELETE /lists/:id deletes for good', () => {
  let todo: TodoTestApp;
  const http = () => todo.http();
  const admin = (path: string) => http().delete(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  const caughtUp = () => todo.app.get(Subscriptions).waitUntilCaughtUp(['todo-lists'], { timeoutMs: 30_000 });

  beforeAll(async () => {
    todo = await startTodoApp('todo_lifecycle', { ADMIN_TOKEN });
  });
  afterAll(() => todo?.close());

  it('records an archive and a restore as the store’s soft delete and restore of the list’s stream', async () => {
    const { id } = await todo.createList();
    await http().post(`/lists/${id}/archive`).expect(200);
    const store = todo.app.get(EventStore);
    expect(await store.describeStream(`todolist-${id}`)).toMatchObject({ deleted: true });
    await http().post(`/lists/${id}/restore`).expect(200);
    const types = (await store.readStream(`todolist-${id}`)).map((e) => e.type);
    expect(types).toEqual([
      'todo.list-created',
      'todo.list-archived',
      STREAM_DELETED,
      'todo.list-restored',
      STREAM_RESTORED,
    ]);
    expect(await store.describeStream(`todolist-${id}`)).toMatchObject({ deleted: false });
  });

  it('hard-deletes a list: 204, gone from reads and commands, a repeat 204, its title free', async () => {
    const title = `Secret plans ${Date.now()}`;
    const { id } = await todo.createList(title);
    await todo.addItem(id, 'Surprise party');
    await caughtUp();
    await http().get(`/lists/${id}`).expect(200);

    await http().delete(`/lists/${id}`).expect(401);
    await admin(`/lists/${id}`).expect(204);
    await caughtUp();
    const gone = await http().get(`/lists/${id}`).expect(404);
    expect(gone.body).toMatchObject({ status: 404 });
    const refused = await http().post(`/lists/${id}/items`).send({ text: 'Cake' }).expect(404);
    expect(refused.body.code).toBe('ES_AGGREGATE_NOT_FOUND');
    await admin(`/lists/${id}`).expect(204);
    expect((await todo.app.get(EventStore).readStream(`todolist-${id}`)).length).toBe(0);
    const rows = await todo.app.get(DataSource).query('SELECT 1 FROM todo_item_views WHERE list_id = $1', [id]);
    expect(rows).toEqual([]);
    // No event of the list is left for the title rule to see: the title is free.
    await todo.createList(title);
  });

  it('answers 404 ES_AGGREGATE_NOT_FOUND for an unknown list', async () => {
    const response = await admin('/lists/no-such-list').expect(404);
    expect(response.body).toMatchObject({ code: 'ES_AGGREGATE_NOT_FOUND' });
  });

  it('hard-deletes an archived list too, and a rebuild of the read model does not bring it back', async () => {
    const { id } = await todo.createList();
    await http().post(`/lists/${id}/archive`).expect(200);
    await admin(`/lists/${id}`).expect(204);
    const subscriptions = todo.app.get(Subscriptions);
    await caughtUp();
    await subscriptions.rebuild('todo-lists');
    await waitFor(async () => (await subscriptions.statusOf('todo-lists')).state === 'caught-up');
    await http().get(`/lists/${id}`).expect(404);
    const listed = await http().get('/lists?archived=true&limit=100').expect(200);
    expect((listed.body.items as { id: string }[]).map((l) => l.id)).not.toContain(id);
  });
});

/** Polls `condition` until it holds, for at most 30 s. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('The condition did not hold within 30 s.');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
