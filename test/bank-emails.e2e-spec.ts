import { EventStore } from 'nest-event-sourcing';
import { startBankApp, type BankTestApp } from './support/bank-app';

// An account's email is the aggregate's `email` natural key: unique among accounts,
// compared case-insensitively, claimed in the transaction of the append that opens it.
describe('bank app: account emails, unique and searchable', () => {
  let bank: BankTestApp;
  let n = 0;
  const email = (): string => `ada.${Date.now()}.${n++}@example.org`;
  const open = (body: object) => bank.http().post('/accounts').send(body);

  beforeAll(async () => {
    bank = await startBankApp('bank_emails');
  });
  afterAll(() => bank?.close());

  it('opens an account with an email, stored lowercased, and finds it by the email in any case', async () => {
    const address = email();
    const opened = await open({ owner: 'Ada', email: address.toUpperCase(), initialDeposit: 500 }).expect(201);
    const { id } = opened.body as { id: string };
    expect(opened.body.version).toBe(3);
    const events = await bank.app.get(EventStore).readStream(`account-${id}`);
    expect(events.map((e) => e.type)).toEqual([
      'bank.account-opened',
      'bank.money-deposited',
      'bank.account-email-set',
    ]);
    expect(events[2]!.data).toEqual({ accountId: id, email: address });

    const found = await bank
      .http()
      .get(`/accounts?email=${encodeURIComponent(address.toUpperCase())}`)
      .expect(200);
    expect(found.body).toEqual({
      items: [{ id, owner: 'Ada', email: address, balance: 500, status: 'open', version: 3 }],
      next: null,
    });
    const read = await bank.http().get(`/accounts/${id}?minPosition=${opened.body.position}`).expect(200);
    expect(read.body).toMatchObject({ id, email: address, balance: 500 });
  });

  it('refuses an email another account has, in any case: 409 ES_NATURAL_KEY_TAKEN, nothing written', async () => {
    const address = email();
    await open({ owner: 'Ada', email: address }).expect(201);
    const before = await bank.app.get(EventStore).queryEvents({ limit: null });
    const taken = await open({ owner: 'Eve', email: address.toUpperCase(), initialDeposit: 100 }).expect(409);
    expect(taken.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(taken.body).toMatchObject({ status: 409, code: 'ES_NATURAL_KEY_TAKEN' });
    // The address is the caller's own input, but it is not echoed in the problem.
    expect(JSON.stringify(taken.body)).not.toContain(address);
    expect((await bank.app.get(EventStore).queryEvents({ limit: null })).length).toBe(before.length);
  });

  it('lets exactly one of concurrent openings with one email win', async () => {
    for (let round = 0; round < 5; round++) {
      const address = email();
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, i) => open({ owner: `Twin ${i}`, email: address })),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      const found = await bank
        .http()
        .get(`/accounts?email=${encodeURIComponent(address)}`)
        .expect(200);
      const winner = responses.find((r) => r.status === 201)!;
      expect(found.body.items[0].id).toBe(winner.body.id);
    }
  });

  it('opens accounts without an email, any number of them', async () => {
    await open({ owner: 'Bob' }).expect(201);
    const second = await open({ owner: 'Bob' }).expect(201);
    const read = await bank.http().get(`/accounts/${second.body.id}?minPosition=${second.body.position}`).expect(200);
    expect(read.body.email).toBeNull();
  });

  it('answers 404 for an email no account has', async () => {
    const response = await bank
      .http()
      .get(`/accounts?email=${encodeURIComponent(email())}`)
      .expect(404);
    expect(response.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it.each([
    ['POST /accounts', () => open({ owner: 'Ada', email: 'not-an-address' })],
    ['POST /accounts, a number', () => open({ owner: 'Ada', email: 42 })],
    ['GET /accounts?email=', () => bank.http().get('/accounts?email=not-an-address')],
  ])('refuses a bad address on %s with 400 VALIDATION_FAILED', async (_title, call) => {
    const response = await call().expect(400);
    expect(response.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});
