import { EventStore, type EventEnvelope } from 'nest-event-sourcing';
import type { Response, Test } from 'supertest';
import { startTodoApp, type TodoTestApp } from './support/todo-app';
import { TODO_AUTH_SECRET, todoToken } from './support/todo-tokens';

const ROUNDS = 4;

// Grants and revocations racing commands of the member they concern, round after round:
// whatever the interleaving, no command of the member lands on the wrong side of the
// grant or revocation event, every answer the member got matches what was stored, and
// once the owner has the revocation's answer no command of the member succeeds.
describe('todo app with AUTH_SECRET: grants and revocations racing commands', () => {
  let todo: TodoTestApp;
  const tokens = { ann: '', bob: '' };
  const as = (user: keyof typeof tokens, request: Test): Test => request.set('Authorization', `Bearer ${tokens[user]}`);
  const http = () => todo.http();
  const streamOf = (id: string) => todo.app.get(EventStore).readStream(`todolist-${id}`);
  const share = (id: string, role: 'viewer' | 'editor') =>
    as('ann', http().post(`/lists/${id}/members`).send({ userId: 'bob', role }));

  /** A list of ann's with `items` items, answering its id and the items' ids. */
  const listWithItems = async (items: number): Promise<{ id: string; itemIds: string[] }> => {
    const title = `Race ${Math.random().toString(36).slice(2, 10)}`;
    const id = ((await as('ann', http().post('/lists').send({ title })).expect(201)).body as { id: string }).id;
    const itemIds: string[] = [];
    for (let i = 0; i < items; i++) {
      const added = await as(
        'ann',
        http()
          .post(`/lists/${id}/items`)
          .send({ text: `Item ${i}` }),
      ).expect(201);
      itemIds.push((added.body as { itemId: string }).itemId);
    }
    return { id, itemIds };
  };
  /** Bob's commands on the list: adds, and a complete of each item. */
  const bobsCommands = (id: string, itemIds: string[]): Test[] => [
    ...Array.from({ length: 12 }, (_, i) =>
      as(
        'bob',
        http()
          .post(`/lists/${id}/items`)
          .send({ text: `Bob ${i}` }),
      ),
    ),
    ...itemIds.map((itemId) => as('bob', http().post(`/lists/${id}/items/${itemId}/complete`))),
  ];
  /** Each of bob's commands either succeeded with one event, or was refused (403), or lost a race (409). */
  const expectAnswersMatchEvents = (answers: Response[], events: EventEnvelope[]): void => {
    expect(answers.map((answer) => answer.status).filter((status) => ![200, 201, 403, 409].includes(status))).toEqual(
      [],
    );
    const succeeded = answers.filter((answer) => answer.status < 300).length;
    expect(events.filter((event) => event.metadata.userId === 'bob')).toHaveLength(succeeded);
  };
  const versionOf = (events: EventEnvelope[], type: string): number => {
    const found = events.filter((event) => event.type === type);
    expect(found).toHaveLength(1);
    return found[0]!.version;
  };

  beforeAll(async () => {
    todo = await startTodoApp('todo_grant_races', { AUTH_SECRET: TODO_AUTH_SECRET });
    tokens.ann = await todoToken('ann', 'acme');
    tokens.bob = await todoToken('bob', 'acme');
  });
  afterAll(() => todo?.close());

  it(`revocation against commands, ${ROUNDS} rounds: nothing of bob after it, nothing once answered`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { id, itemIds } = await listWithItems(4);
      await share(id, 'editor').expect(200);
      const [revoked, ...answers] = await Promise.all([
        as('ann', http().delete(`/lists/${id}/members/bob`)),
        ...bobsCommands(id, itemIds),
      ]);
      expect({ round, status: revoked.status }).toEqual({ round, status: 200 });
      // The revocation answered: every command of bob from now on is refused.
      const after = await Promise.all(bobsCommands(id, itemIds));
      expect({ round, after: after.map((answer) => answer.status) }).toEqual({ round, after: after.map(() => 403) });
      const events = await streamOf(id);
      const revokedAt = versionOf(events, 'todo.member-removed');
      const lastOfBob = Math.max(0, ...events.filter((e) => e.metadata.userId === 'bob').map((e) => e.version));
      expect({ round, beforeRevocation: lastOfBob < revokedAt }).toEqual({ round, beforeRevocation: true });
      expectAnswersMatchEvents(answers, events);
    }
  });

  it(`grant against commands, ${ROUNDS} rounds: nothing of bob before it, everything once answered`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { id, itemIds } = await listWithItems(4);
      const [granted, ...answers] = await Promise.all([share(id, 'editor'), ...bobsCommands(id, itemIds)]);
      expect({ round, status: granted.status }).toEqual({ round, status: 200 });
      const events = await streamOf(id);
      const grantedAt = versionOf(events, 'todo.member-added');
      const firstOfBob = Math.min(Infinity, ...events.filter((e) => e.metadata.userId === 'bob').map((e) => e.version));
      expect({ round, afterGrant: firstOfBob > grantedAt }).toEqual({ round, afterGrant: true });
      expectAnswersMatchEvents(answers, events);
      // The grant answered: bob's next command succeeds.
      await as('bob', http().post(`/lists/${id}/items`).send({ text: 'Now allowed' })).expect(201);
    }
  });

  it(`a downgrade to viewer against commands, ${ROUNDS} rounds: bob still reads, writes nothing after it`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { id, itemIds } = await listWithItems(4);
      await share(id, 'editor').expect(200);
      const [downgraded, ...answers] = await Promise.all([share(id, 'viewer'), ...bobsCommands(id, itemIds)]);
      expect({ round, status: downgraded.status }).toEqual({ round, status: 200 });
      const events = await streamOf(id);
      const viewerAt = events.filter((e) => e.type === 'todo.member-added').at(-1)!.version;
      const lastOfBob = Math.max(0, ...events.filter((e) => e.metadata.userId === 'bob').map((e) => e.version));
      expect({ round, beforeDowngrade: lastOfBob < viewerAt }).toEqual({ round, beforeDowngrade: true });
      expectAnswersMatchEvents(answers, events);
      const { position } = downgraded.body as { position: string };
      await as('bob', http().get(`/lists/${id}`).query({ minPosition: position })).expect(200);
      await as('bob', http().post(`/lists/${id}/items`).send({ text: 'Too late' })).expect(403);
    }
  });
});
