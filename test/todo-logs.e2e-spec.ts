import { randomUUID } from 'node:crypto';
import { builtApp, startAppProcess, waitForCondition, type AppProcess } from './support/app-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { TODO_AUTH_SECRET, todoToken } from './support/todo-tokens';

const ADMIN_TOKEN = 'todo-logs-admin-token';

// The todo app as `npm run start:todo` runs it, logging JSON at debug level, with two
// tenants: tenant A's lists (recognisable titles, items, users) appear in none of the
// error answers tenant B gets, nor in any log line of B's requests (found by their
// correlation ids), nor, for titles and items, in any line at all.
describe('todo app: no tenant’s data in another tenant’s errors or logs', () => {
  let database: TestDatabase;
  let todo: AppProcess;
  const marker = randomUUID().slice(0, 8);
  const [annId, bobId, acmeId] = ['ann', 'bob', 'acme'].map((name) => `${name}-${marker}`) as [string, string, string];
  const titles = [`ACME-TITLE-ONE-${marker}`, `ACME-TITLE-TWO-${marker}`];
  const items = [`ACME-ITEM-ONE-${marker}`, `ACME-ITEM-TWO-${marker}`];
  const lists: { id: string; itemId: string }[] = [];
  let ann: string;
  let gil: string;

  const url = (path: string) => `http://127.0.0.1:${todo.port}${path}`;
  const call = async (method: string, path: string, token: string, body?: unknown, correlationId = randomUUID()) => {
    const response = await fetch(url(path), {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        'X-Correlation-Id': correlationId,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, text: await response.text(), correlationId };
  };
  const jsonLines = () =>
    todo
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => ({ line, parsed: JSON.parse(line) as Record<string, unknown> }));

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'todo_logs');
    todo = await startAppProcess(builtApp('todo'), {
      DATABASE_URL: database.url,
      AUTH_SECRET: TODO_AUTH_SECRET,
      ADMIN_TOKEN,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'debug',
    });
    ann = await todoToken(annId, acmeId);
    gil = await todoToken('gil', 'globex');
    for (const [n, title] of titles.entries()) {
      const created = await call('POST', '/lists', ann, { title });
      expect(created.status).toBe(201);
      const { id } = JSON.parse(created.text) as { id: string };
      expect((await call('POST', `/lists/${id}/members`, ann, { userId: bobId, role: 'editor' })).status).toBe(200);
      const added = await call('POST', `/lists/${id}/items`, ann, { text: items[n] });
      expect(added.status).toBe(201);
      lists.push({ id, itemId: (JSON.parse(added.text) as { itemId: string }).itemId });
    }
  });
  afterAll(async () => {
    await todo?.stop('SIGTERM');
    await database?.drop();
  });

  it('keeps tenant A out of tenant B’s error answers and out of the log lines of B’s requests', async () => {
    const answers: { status: number; text: string; correlationId: string; sent: string[] }[] = [];
    const asGil = async (method: string, path: string, body?: Record<string, unknown>, token = gil) => {
      const answer = await call(method, path, token, body);
      answers.push({ ...answer, sent: [...path.split('/'), ...Object.values(body ?? {}).map(String)] });
      return answer.status;
    };
    const statuses: number[] = [];
    for (const { id, itemId } of lists) {
      statuses.push(
        await asGil('GET', `/lists/${id}`),
        await asGil('PATCH', `/lists/${id}`, { title: 'Mine now' }),
        await asGil('POST', `/lists/${id}/items`, { text: 'Globex item' }),
        await asGil('POST', `/lists/${id}/items/${itemId}/complete`),
        await asGil('DELETE', `/lists/${id}/items/${itemId}`),
        await asGil('POST', `/lists/${id}/archive`),
        await asGil('POST', `/lists/${id}/members`, { userId: 'gil', role: 'editor' }),
        await asGil('DELETE', `/lists/${id}/members/${bobId}`),
        // Malformed as well: the permission guard answers before validation, so as not found.
        await asGil('POST', `/lists/${id}/items`, { text: '' }),
        await asGil('PATCH', `/lists/${id}`, { title: 42 }),
        // A's own token spoiled by B (a wrong signature): refused, A named nowhere.
        await asGil('GET', `/lists/${id}`, undefined, `${ann.slice(0, -4)}AAAA`),
      );
    }
    // And a failure of B's own: a title B holds already (found by the decision read, per tenant).
    expect((await call('POST', '/lists', gil, { title: `Globex plan ${marker}` })).status).toBe(201);
    statuses.push(await asGil('POST', '/lists', { title: `globex PLAN ${marker}` }));
    expect(statuses).toEqual([...lists.flatMap(() => [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 401]), 409]);

    // Every request has its line (pino-http's, with the correlation id) before we look.
    const ids = new Set(answers.map((answer) => answer.correlationId));
    const linesOfB = () => jsonLines().filter(({ parsed }) => ids.has(parsed.correlationId as string));
    await waitForCondition(
      async () => new Set(linesOfB().map(({ parsed }) => parsed.correlationId)).size === ids.size,
      10_000,
      () => todo.output(),
    );
    const secrets = [...titles, ...items, annId, bobId, acmeId, ...lists.map(({ id }) => `todolist-${id}`)];
    const leaks = (text: string, sent: string[] = []) => {
      const rest = sent.filter((value) => value.length > 0).reduce((acc, value) => acc.split(value).join(''), text);
      return secrets.filter((secret) => rest.includes(secret));
    };
    for (const { text, sent, correlationId } of answers) {
      expect({ correlationId, leaks: leaks(text, sent) }).toEqual({ correlationId, leaks: [] });
      const lines = linesOfB().filter(({ parsed }) => parsed.correlationId === correlationId);
      for (const { line } of lines) expect({ line, leaks: leaks(line, sent) }).toEqual({ line, leaks: [] });
    }
    // A's titles and items are in no line at all, at any level, A's own requests included.
    const output = todo.output();
    expect(linesOfB().length).toBeGreaterThanOrEqual(ids.size);
    expect([...titles, ...items].filter((secret) => output.includes(secret))).toEqual([]);
  });
});
