import { randomUUID } from 'node:crypto';
import { builtApp, startAppProcess, waitForCondition, type AppProcess } from './support/app-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

// The bank app as `npm start` runs it, logging at every level (SQL included): no line it
// writes holds what a request body carried, whether the request succeeded, failed
// validation or was malformed. (No request can make a statement fail with its values any
// more; statement-logger.spec checks what a failed statement logs.)
describe('bank app: logs hold no request bodies', () => {
  let database: TestDatabase;
  let bank: AppProcess;
  const marker = `SECRET-${randomUUID()}`;
  const url = (path: string) => `http://127.0.0.1:${bank.port}${path}`;
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(url(path), { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'bank_logs');
    bank = await startAppProcess(builtApp('bank'), {
      DATABASE_URL: database.url,
      ADMIN_TOKEN: 'logs-admin-token',
      LOG_SQL: 'true',
      LOG_FORMAT: 'json',
    });
  });
  afterAll(async () => {
    await bank?.stop('SIGTERM');
    await database?.drop();
  });

  it('logs no part of any body, at any level, while statements are logged', async () => {
    const opened = await post('/accounts', JSON.stringify({ owner: marker, initialDeposit: 100 }));
    expect(opened.status).toBe(201);
    const { id, position } = (await opened.json()) as { id: string; position: string };

    const refused = [
      await post('/accounts', JSON.stringify({ owner: 'Ada', [marker]: 1 })),
      await post('/accounts', `{"owner":"${marker}",`),
      await post('/accounts', JSON.stringify({ owner: `${marker}\u0000` })),
      await post('/accounts', JSON.stringify({ owner: marker, __proto__: null, constructor: marker })),
      await post(`/accounts/${id}/deposits`, JSON.stringify({ amount: marker })),
      await post('/accounts', `owner=${marker}`, { 'Content-Type': 'application/x-www-form-urlencoded' }),
    ];
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 415]);

    // An Idempotency-Key reused with another body: both bodies are compared, neither logged.
    const key = { 'Idempotency-Key': randomUUID() };
    expect((await post(`/accounts/${id}/deposits`, JSON.stringify({ amount: 5 }), key)).status).toBe(200);
    expect((await post(`/accounts/${id}/deposits`, JSON.stringify({ amount: 6 }), key)).status).toBe(422);

    // The projection has written the owner to the read model, through logged statements.
    const read = await fetch(url(`/accounts/${id}?minPosition=${position}`));
    expect(((await read.json()) as { owner: string }).owner).toBe(marker);
    await waitForCondition(
      async () => bank.output().includes('bank_account_views'),
      10_000,
      () => bank.output(),
    );

    expect(bank.output()).toContain('"level":"debug"');
    expect(bank.output()).not.toContain(marker);
  });

  it('writes one JSON line per request with its correlation id, and no header or query string', async () => {
    const correlationId = `logs-${randomUUID()}`;
    const response = await fetch(url(`/accounts?owner=${marker}`), {
      headers: { 'X-Correlation-Id': correlationId, Authorization: `Bearer ${marker}` },
    });
    // Whatever it answers (an unknown query parameter is a 400), the line is the same shape.
    const status = response.status;
    const lineOf = () =>
      bank
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line.correlationId === correlationId && line.msg === `GET /accounts ${status}`);
    await waitForCondition(
      async () => lineOf() !== undefined,
      10_000,
      () => bank.output(),
    );
    expect(lineOf()).toMatchObject({ req: { method: 'GET', path: '/accounts' }, res: { statusCode: status } });
    expect(bank.output()).not.toContain(marker);
  });
});
