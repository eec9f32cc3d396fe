import { EventStore } from 'nest-event-sourcing';
import type { Test } from 'supertest';
import { startTodoApp, type TodoTestApp } from './support/todo-app';
import { TODO_AUTH_SECRET, todoToken, unsignedToken } from './support/todo-tokens';

// The todo app with AUTH_SECRET: users with bearer tokens, the creator of a list owning
// it, members as viewers or editors, and every check made again inside the append.
describe('todo app with AUTH_SECRET: tokens and permissions on lists', () => {
  let todo: TodoTestApp;
  const tokens: Record<'ann' | 'bob' | 'cid', string> = { ann: '', bob: '', cid: '' };
  type User = keyof typeof tokens;
  const as = (user: User, request: Test): Test => request.set('Authorization', `Bearer ${tokens[user]}`);
  const http = () => todo.http();
  const streamOf = async (id: string) => todo.app.get(EventStore).readStream(`todolist-${id}`);

  const createList = async (user: User = 'ann'): Promise<string> => {
    const title = `List ${Math.random().toString(36).slice(2, 10)}`;
    const created = await as(user, http().post('/lists').send({ title })).expect(201);
    return (created.body as { id: string }).id;
  };
  const share = (id: string, userId: string, role: 'viewer' | 'editor') =>
    as('ann', http().post(`/lists/${id}/members`).send({ userId, role }));

  beforeAll(async () => {
    todo = await startTodoApp('todo_auth', { AUTH_SECRET: TODO_AUTH_SECRET });
    for (const user of Object.keys(tokens) as User[]) tokens[user] = await todoToken(user, 'acme');
  });
  afterAll(() => todo?.close());

  describe('tokens', () => {
    const refused = async (authorization: string | undefined, reason: RegExp) => {
      const request = http().get('/lists');
      const response = await (authorization ? request.set('Authorization', authorization) : request).expect(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.body).toMatchObject({
        status: 401,
        code: 'ES_UNAUTHENTICATED',
        detail: expect.stringMatching(reason),
      });
      return response;
    };

    it('refuses a request without a token with 401 ES_UNAUTHENTICATED', async () => {
      await refused(undefined, /No bearer token/);
      await refused('Basic YW5uOnNlY3JldA==', /No bearer token/);
    });

    it('refuses an expired token', async () => {
      await refused(
        `Bearer ${await todoToken('ann', 'acme', { expiresIn: Math.floor(Date.now() / 1000) - 10 })}`,
        /expired/,
      );
    });

    it('refuses a token signed with another secret', async () => {
      const forged = await todoToken('ann', 'acme', { secret: 'another-secret-of-at-least-32-characters' });
      await refused(`Bearer ${forged}`, /signature/);
    });

    it('refuses an unsigned token (alg: none) and one signed with another algorithm', async () => {
      await refused(`Bearer ${unsignedToken('ann', 'acme')}`, /algorithm|not a valid JWT/);
      await refused(`Bearer ${await todoToken('ann', 'acme', { alg: 'HS512' })}`, /algorithm/);
    });

    it('refuses a token without sub or without tenant, and one that is no JWT', async () => {
      await refused(`Bearer ${await todoToken('', 'acme')}`, /"sub"/);
      await refused(`Bearer ${await todoToken('ann', '')}`, /"tenant"/);
      await refused('Bearer not.a.jwt', /not a valid JWT/);
    });

    it('never puts the token into the answer, and writes nothing for a refused command', async () => {
      const forged = await todoToken('ann', 'acme', { secret: 'another-secret-of-at-least-32-characters' });
      const before = await todo.countEvents();
      const response = await http()
        .post('/lists')
        .set('Authorization', `Bearer ${forged}`)
        .send({ title: 'X' })
        .expect(401);
      expect(JSON.stringify(response.body)).not.toContain(forged);
      expect(await todo.countEvents()).toBe(before);
    });

    it('lets health probes through without a token', async () => {
      await http().get('/health').expect(200);
    });
  });

  it('lets the creator do everything, and records the user in the events', async () => {
    const id = await createList();
    const { itemId } = (await as('ann', http().post(`/lists/${id}/items`).send({ text: 'Milk' })).expect(201)).body as {
      itemId: string;
    };
    await as('ann', http().post(`/lists/${id}/items/${itemId}/complete`)).expect(200);
    await as(
      'ann',
      http()
        .patch(`/lists/${id}`)
        .send({ title: `Renamed ${id}` }),
    ).expect(200);
    await as('ann', http().post(`/lists/${id}/archive`)).expect(200);
    await as('ann', http().post(`/lists/${id}/restore`)).expect(200);
    const events = await streamOf(id);
    expect(events.map((e) => e.metadata.userId)).toEqual(events.map(() => 'ann'));
  });

  it('answers 403 to a user of the tenant without a grant, writing nothing, and 404 for no list', async () => {
    const id = await createList();
    const denied = await as('bob', http().get(`/lists/${id}`)).expect(403);
    expect(denied.body).toMatchObject({ code: 'ES_PERMISSION_DENIED', status: 403 });
    await as('bob', http().post(`/lists/${id}/items`).send({ text: 'Eggs' })).expect(403);
    await as('bob', http().patch(`/lists/${id}`).send({ title: 'Mine now' })).expect(403);
    await as('bob', http().post(`/lists/${id}/members`).send({ userId: 'bob', role: 'editor' })).expect(403);
    expect(await streamOf(id)).toHaveLength(1);
    const missing = await as('bob', http().post('/lists/no-such-list/items').send({ text: 'Eggs' })).expect(404);
    expect(missing.body.code).toBe('ES_AGGREGATE_NOT_FOUND');
  });

  it('lets a viewer read, an editor change items, and only the creator manage the list', async () => {
    const id = await createList();
    const shared = (await share(id, 'bob', 'viewer').expect(200)).body as { position: string };
    await as('bob', http().get(`/lists/${id}`).query({ minPosition: shared.position })).expect(200);
    await as('bob', http().post(`/lists/${id}/items`).send({ text: 'Eggs' })).expect(403);
    await share(id, 'bob', 'editor').expect(200);
    const added = await as('bob', http().post(`/lists/${id}/items`).send({ text: 'Eggs' })).expect(201);
    const { itemId } = added.body as { itemId: string };
    await as('bob', http().post(`/lists/${id}/items/${itemId}/complete`)).expect(200);
    await as('bob', http().post(`/lists/${id}/items/${itemId}/reopen`)).expect(200);
    await as('bob', http().delete(`/lists/${id}/items/${itemId}`)).expect(200);
    await as('bob', http().patch(`/lists/${id}`).send({ title: 'Bob was here' })).expect(403);
    await as('bob', http().post(`/lists/${id}/archive`)).expect(403);
    await as('bob', http().post(`/lists/${id}/members`).send({ userId: 'cid', role: 'editor' })).expect(403);
    await as('bob', http().delete(`/lists/${id}/members/bob`)).expect(403);
    const bad = await share(id, 'cid', 'owner' as 'viewer').expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('takes a revoked role away on the very next request', async () => {
    const id = await createList();
    await share(id, 'cid', 'editor').expect(200);
    await as('cid', http().post(`/lists/${id}/items`).send({ text: 'Tea' })).expect(201);
    await as('ann', http().delete(`/lists/${id}/members/cid`)).expect(200);
    await as('cid', http().post(`/lists/${id}/items`).send({ text: 'Coffee' })).expect(403);
    await as('cid', http().get(`/lists/${id}`)).expect(403);
    // The creator's own permission is not a member's role: removing them changes nothing.
    const unchanged = (await as('ann', http().delete(`/lists/${id}/members/ann`)).expect(200)).body as {
      position: string | null;
    };
    expect(unchanged.position).toBeNull();
    const { position } = (await as('ann', http().post(`/lists/${id}/items`).send({ text: 'Milk' })).expect(201))
      .body as {
      position: string;
    };
    await as('ann', http().get(`/lists/${id}`).query({ minPosition: position })).expect(200);
  });

  it('shows in GET /lists only the lists the user may view', async () => {
    const [own, shared, other] = [await createList('cid'), await createList(), await createList()];
    await share(shared, 'cid', 'viewer').expect(200);
    const position = (await share(other, 'bob', 'viewer').expect(200)).body.position as string;
    const page = await as('cid', http().get('/lists').query({ limit: 100, minPosition: position })).expect(200);
    const ids = (page.body.items as { id: string }[]).map((list) => list.id);
    expect(ids).toContain(own);
    expect(ids).toContain(shared);
    expect(ids).not.toContain(other);
    const annIds = (
      (await as('ann', http().get('/lists').query({ limit: 100 })).expect(200)).body.items as { id: string }[]
    ).map((list) => list.id);
    expect(annIds).not.toContain(own);
  });

  it('never lets an item in after the revocation, however the requests interleave', async () => {
    const id = await createList();
    await share(id, 'bob', 'editor').expect(200);
    const adds = Array.from({ length: 16 }, (_, i) =>
      as(
        'bob',
        http()
          .post(`/lists/${id}/items`)
          .send({ text: `Item ${i}` }),
      ),
    );
    const [revoked, ...answers] = await Promise.all([as('ann', http().delete(`/lists/${id}/members/bob`)), ...adds]);
    expect(revoked.status).toBe(200);
    expect(answers.every((answer) => [201, 403, 409].includes(answer.status))).toBe(true);
    const events = await streamOf(id);
    const revokedAt = events.find((e) => e.type === 'todo.member-removed')!.version;
    const added = events.filter((e) => e.type === 'todo.item-added');
    expect(added.every((e) => e.version < revokedAt)).toBe(true);
    expect(added).toHaveLength(answers.filter((answer) => answer.status === 201).length);
    await as('bob', http().post(`/lists/${id}/items`).send({ text: 'Late' })).expect(403);
  });
});
