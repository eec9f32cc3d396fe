import { ADMIN_TOKEN, startBankApp, type BankTestApp } from './support/bank-app';

describe('bank app: GET /events for operators', () => {
  let bank: BankTestApp;
  let id: string;

  beforeAll(async () => {
    bank = await startBankApp('bank_operator');
    id = await bank.openAccount('Ada', 100);
    await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 5 }).expect(200);
  });
  afterAll(() => bank?.close());

  const events = (query: string, token: string | null = ADMIN_TOKEN) => {
    const call = bank.http().get(`/events${query}`);
    return token === null ? call : call.set('Authorization', `Bearer ${token}`);
  };

  it("answers the store's query with positions as strings, newest first", async () => {
    const response = await events(`?stream=account-${id}&since=3%20days&limit=10`).expect(200);
    expect(response.body.events).toHaveLength(3);
    expect((response.body.events as { type: string }[]).map((e) => e.type)).toEqual([
      'bank.money-deposited',
      'bank.money-deposited',
      'bank.account-opened',
    ]);
    expect(response.body.events[0]).toMatchObject({
      position: expect.stringMatching(/^\d+$/),
      transactionId: expect.stringMatching(/^\d+$/),
      streamId: `account-${id}`,
      version: 3,
      data: { accountId: id, amount: 5, balance: 105 },
      metadata: { correlationId: expect.any(String) },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('filters by several types, orders oldest first and limits', async () => {
    const response = await events(
      `?stream=account-${id}&type=bank.account-opened&type=bank.money-deposited&order=oldest-first&limit=2`,
    ).expect(200);
    expect((response.body.events as { version: number }[]).map((e) => e.version)).toEqual([1, 2]);
  });

  it('passes query values to SQL as data only', async () => {
    const response = await events(`?stream=${encodeURIComponent("x' OR '1'='1")}`).expect(200);
    expect(response.body.events).toEqual([]);
  });

  it.each([
    ['an unreadable duration', 'ES_INVALID_QUERY', '?since=soon'],
    ['a limit of 0', 'VALIDATION_FAILED', '?limit=0'],
    ['a limit that is no number', 'VALIDATION_FAILED', '?limit=ten'],
    ['an unknown order', 'VALIDATION_FAILED', '?order=random'],
    ['an unknown parameter', 'VALIDATION_FAILED', '?colour=red'],
  ])('answers %s with 400 %s', async (_name, code, query) => {
    const response = await events(query).expect(400);
    expect(response.body).toMatchObject({ code, status: 400, instance: '/events' });
  });

  it('answers 401 without the admin token or with a wrong one', async () => {
    const missing = await events('', null).expect(401);
    expect(missing.body).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    await events('', 'not-the-token').expect(401);
    await events('', `${ADMIN_TOKEN}x`).expect(401);
  });

  it('serves the OpenAPI docs at /docs, with every command route', async () => {
    const page = await bank.http().get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const document = await bank.http().get('/docs-json').expect(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        '/accounts',
        '/accounts/{id}/deposits',
        '/accounts/{id}/withdrawals',
        '/accounts/{id}/close',
        '/events',
      ]),
    );
  });
});

describe('bank app: GET /events without ADMIN_TOKEN', () => {
  let bank: BankTestApp;

  beforeAll(async () => {
    bank = await startBankApp('bank_no_admin', null);
  });
  afterAll(() => bank?.close());

  it('answers 404, as if the route did not exist, whatever the token', async () => {
    const response = await bank.http().get('/events').set('Authorization', 'Bearer anything').expect(404);
    expect(response.body).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await bank.http().get('/events').expect(404);
  });
});
