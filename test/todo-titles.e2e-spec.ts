import { EventStore } from 'nest-event-sourcing';
import { startTodoApp, type TodoTestApp } from './support/todo-app';

// List titles are unique among lists that are not archived (trimmed, case-insensitive),
// a rule across every list's stream, kept by a decision model and conditional appends.
describe('todo app: unique list titles over HTTP', () => {
  let todo: TodoTestApp;
  const http = () => todo.http();
  let n = 0;
  /** A title no other test uses. */
  const fresh = (): string => `Title ${++n} ${Date.now()}`;

  beforeAll(async () => {
    todo = await startTodoApp('todo_titles');
  });
  afterAll(() => todo?.close());

  const expectTaken = (body: unknown): void => {
    expect(body).toMatchObject({ status: 409, code: 'ES_DOMAIN_RULE', rule: 'list-title-taken' });
  };

  it('refuses POST /lists with a title an active list holds, trimmed and in any case: 409', async () => {
    const title = fresh();
    const first = await todo.createList(title);
    const again = await http()
      .post('/lists')
      .send({ title: `  ${title.toUpperCase()} ` })
      .expect(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expectTaken(again.body);
    expect(again.body).toMatchObject({ heldBy: first.id });
  });

  it('refuses PATCH /lists/:id to a title another list holds, and allows a list its own title in another case', async () => {
    const [taken, mine] = [fresh(), fresh()];
    await todo.createList(taken);
    const { id } = await todo.createList(mine);
    expectTaken((await http().patch(`/lists/${id}`).send({ title: taken.toLowerCase() }).expect(409)).body);
    await http().patch(`/lists/${id}`).send({ title: mine.toUpperCase() }).expect(200);
  });

  it('frees a title when its list is archived or renamed, and refuses a restore while another holds it', async () => {
    const title = fresh();
    const { id: old } = await todo.createList(title);
    await http().post(`/lists/${old}/archive`).expect(200);
    const { id: successor } = await todo.createList(title);
    expectTaken((await http().post(`/lists/${old}/restore`).expect(409)).body);
    await http().patch(`/lists/${successor}`).send({ title: fresh() }).expect(200);
    await http().post(`/lists/${old}/restore`).expect(200);
    await http().post('/lists').send({ title }).expect(409);
  });

  it('creates exactly one of 30 lists posted at once with one title', async () => {
    const title = fresh();
    const before = await todo.countEvents();
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        http()
          .post('/lists')
          .send({ title })
          .then((r) => r),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(29);
    responses.filter((r) => r.status === 409).forEach((r) => expectTaken(r.body));
    expect(await todo.countEvents()).toBe(before + 1);
    const created = await todo.app.get(EventStore).queryEvents({ types: ['todo.list-created'], limit: null });
    expect(created.filter((e) => (e.data as { title: string }).title === title)).toHaveLength(1);
  });
});
