import { ConcurrencyError, EventStore } from 'nest-event-sourcing';
import { startBankApp, type BankTestApp } from './support/bank-app';

describe('bank app: account commands over HTTP', () => {
  let bank: BankTestApp;

  beforeAll(async () => {
    bank = await startBankApp('bank_accounts');
  });
  afterAll(() => bank?.close());

  describe('POST /accounts', () => {
    it('opens an account: 201 with id, version and position, Location and ETag, and stores its events', async () => {
      const response = await bank.http().post('/accounts').send({ owner: 'Ada', initialDeposit: 1000 }).expect(201);
      const { id } = response.body as { id: string };
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        version: 2,
        position: expect.stringMatching(/^\d+$/),
      });
      expect(response.headers.location).toBe(`/accounts/${id}`);
      expect(response.headers.etag).toBe('"2"');
      const events = await bank.app.get(EventStore).readStream(`account-${id}`);
      expect(events.map((e) => e.type)).toEqual(['bank.account-opened', 'bank.money-deposited']);
      expect(events[1]!.position.toString()).toBe(response.body.position);
    });

    it('opens an account without an initial deposit at version 1', async () => {
      const response = await bank.http().post('/accounts').send({ owner: 'Bob' }).expect(201);
      expect(response.body.version).toBe(1);
      expect(response.headers.etag).toBe('"1"');
    });

    it.each<[string, unknown]>([
      ['no owner', {}],
      ['an empty owner', { owner: '' }],
      ['an owner of 101 characters', { owner: 'x'.repeat(101) }],
      ['an owner that is a number', { owner: 5 }],
      ['a negative initial deposit', { owner: 'Ada', initialDeposit: -1 }],
      ['a fractional initial deposit', { owner: 'Ada', initialDeposit: 1.5 }],
      ['an initial deposit as a string', { owner: 'Ada', initialDeposit: '10' }],
      ['an unknown field', { owner: 'Ada', currency: 'EUR' }],
      ['an array', [{ owner: 'Ada' }]],
    ])('answers %s with 400 VALIDATION_FAILED and writes nothing', async (_name, body) => {
      const before = await bank.countEvents();
      const response = await bank
        .http()
        .post('/accounts')
        .send(body as object)
        .expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, instance: '/accounts' });
      expect(response.body.errors.length).toBeGreaterThan(0);
      expect(await bank.countEvents()).toBe(before);
    });

    it('answers malformed JSON with 400 MALFORMED_JSON and writes nothing', async () => {
      const before = await bank.countEvents();
      const response = await bank
        .http()
        .post('/accounts')
        .set('Content-Type', 'application/json')
        .send('{"owner": "Ada",')
        .expect(400);
      expect(response.body).toMatchObject({
        code: 'MALFORMED_JSON',
        correlationId: response.headers['x-correlation-id'],
      });
      expect(await bank.countEvents()).toBe(before);
    });

    it('answers a body over 64 kB with 413 PAYLOAD_TOO_LARGE and writes nothing', async () => {
      const before = await bank.countEvents();
      const response = await bank
        .http()
        .post('/accounts')
        .send({ owner: 'x'.repeat(70 * 1024) })
        .expect(413);
      expect(response.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
      expect(await bank.countEvents()).toBe(before);
    });
  });

  describe('deposits, withdrawals and closing', () => {
    it('deposits and withdraws, answering id, version, position and balance with the ETag', async () => {
      const id = await bank.openAccount('Ada', 100);
      const deposit = await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 250 }).expect(200);
      expect(deposit.body).toEqual({ id, version: 3, position: expect.stringMatching(/^\d+$/), balance: 350 });
      expect(deposit.headers.etag).toBe('"3"');
      const withdrawal = await bank.http().post(`/accounts/${id}/withdrawals`).send({ amount: 50 }).expect(200);
      expect(withdrawal.body).toMatchObject({ version: 4, balance: 300 });
      expect(BigInt(withdrawal.body.position)).toBeGreaterThan(BigInt(deposit.body.position));
    });

    it.each<[string, unknown]>([
      ['zero', { amount: 0 }],
      ['a negative amount', { amount: -5 }],
      ['a fractional amount', { amount: 1.5 }],
      ['an amount as a string', { amount: '5' }],
      ['no amount', {}],
      ['null', { amount: null }],
      ['an extra field', { amount: 5, note: 'rent' }],
    ])('refuses %s with 400 VALIDATION_FAILED and writes nothing', async (_name, body) => {
      const id = await bank.openAccount('Ada', 10);
      const before = await bank.countEvents();
      for (const route of ['deposits', 'withdrawals']) {
        const response = await bank
          .http()
          .post(`/accounts/${id}/${route}`)
          .send(body as object)
          .expect(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
      }
      expect(await bank.countEvents()).toBe(before);
    });

    it('names each refused field of a body in errors, with its JSON pointer', async () => {
      const id = await bank.openAccount('Ada', 10);
      const response = await bank.http().post(`/accounts/${id}/deposits`).send({ amount: -5, note: 'x' }).expect(400);
      expect(response.body.errors).toHaveLength(2);
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'note', pointer: '#/note', detail: 'property note should not exist' },
          { field: 'amount', pointer: '#/amount', detail: 'amount must be a positive number' },
        ]),
      );
    });

    it('refuses to overdraw with 422 and the rule insufficient-funds, writing nothing', async () => {
      const id = await bank.openAccount('Ada', 100);
      const before = await bank.countEvents();
      const response = await bank.http().post(`/accounts/${id}/withdrawals`).send({ amount: 101 }).expect(422);
      expect(response.body).toMatchObject({
        code: 'ES_DOMAIN_RULE',
        rule: 'insufficient-funds',
        status: 422,
        detail: expect.stringContaining('less than the 101'),
        // The error's own fields cross the CommandBus into the body.
        accountId: id,
        balance: 100,
        amount: 101,
      });
      expect(await bank.countEvents()).toBe(before);
    });

    it('words a broken rule for Accept-Language: de, with the same rule and values', async () => {
      const id = await bank.openAccount('Ada', 100);
      const response = await bank
        .http()
        .post(`/accounts/${id}/withdrawals`)
        .set('Accept-Language', 'de-CH, de;q=0.9, en;q=0.5')
        .send({ amount: 101 })
        .expect(422);
      expect(response.headers['content-language']).toBe('de');
      expect(response.body).toMatchObject({
        rule: 'insufficient-funds',
        detail: `Konto ${id} hat 100 Cent, weniger als die verlangten 101.`,
        balance: 100,
        amount: 101,
      });
      const english = await bank
        .http()
        .post(`/accounts/${id}/withdrawals`)
        .set('Accept-Language', 'fr')
        .send({ amount: 101 });
      expect(english.headers['content-language']).toBeUndefined();
      expect(english.body.detail).toContain('less than the 101');
    });

    it('closes only an empty account, and a closed one takes no more commands (422)', async () => {
      const id = await bank.openAccount('Ada', 30);
      const notEmpty = await bank.http().post(`/accounts/${id}/close`).expect(422);
      expect(notEmpty.body.rule).toBe('account-not-empty');
      await bank.http().post(`/accounts/${id}/withdrawals`).send({ amount: 30 }).expect(200);
      const closed = await bank.http().post(`/accounts/${id}/close`).expect(200);
      expect(closed.body).toMatchObject({ id, version: 4, balance: 0 });
      for (const [route, body] of [
        ['deposits', { amount: 1 }],
        ['withdrawals', { amount: 1 }],
        ['close', undefined],
      ] as const) {
        const response = await bank.http().post(`/accounts/${id}/${route}`).send(body).expect(422);
        expect(response.body).toMatchObject({ code: 'ES_DOMAIN_RULE', rule: 'account-closed' });
      }
    });

    it.each([
      ['deposits', { amount: 1 }],
      ['withdrawals', { amount: 1 }],
      ['close', undefined],
    ] as const)('answers POST /accounts/<unknown>/%s with 404', async (route, body) => {
      const response = await bank.http().post(`/accounts/no-such-account/${route}`).send(body).expect(404);
      expect(response.body).toMatchObject({
        code: 'ES_AGGREGATE_NOT_FOUND',
        instance: `/accounts/no-such-account/${route}`,
      });
    });

    it('answers an unknown route with 404 NOT_FOUND', async () => {
      const response = await bank.http().post('/accounts/x/interest').send({}).expect(404);
      expect(response.body.code).toBe('NOT_FOUND');
    });
  });

  describe('optimistic concurrency', () => {
    it('runs a command whose If-Match is the current ETag, and answers a stale one with 412 writing nothing', async () => {
      const id = await bank.openAccount('Ada', 100);
      const first = await bank
        .http()
        .post(`/accounts/${id}/deposits`)
        .set('If-Match', '"2"')
        .send({ amount: 1 })
        .expect(200);
      expect(first.headers.etag).toBe('"3"');
      const before = await bank.countEvents();
      const stale = await bank
        .http()
        .post(`/accounts/${id}/withdrawals`)
        .set('If-Match', '"2"')
        .send({ amount: 1 })
        .expect(412);
      expect(stale.body).toMatchObject({ code: 'PRECONDITION_FAILED', expectedVersion: 2, actualVersion: 3 });
      expect(stale.headers.etag).toBe('"3"');
      await bank.http().post(`/accounts/${id}/close`).set('If-Match', '"1"').expect(412);
      expect(await bank.countEvents()).toBe(before);
    });

    it('answers a malformed If-Match with 400 INVALID_IF_MATCH', async () => {
      const id = await bank.openAccount('Ada', 100);
      for (const header of ['3', 'W/"3"', '"three"', '"1", "2"']) {
        const response = await bank
          .http()
          .post(`/accounts/${id}/deposits`)
          .set('If-Match', header)
          .send({ amount: 1 })
          .expect(400);
        expect(response.body.code).toBe('INVALID_IF_MATCH');
      }
    });

    it('ends 50 parallel deposits to one account with the exact balance, retrying conflicts', async () => {
      const id = await bank.openAccount('Ada');
      const amounts = Array.from({ length: 50 }, (_, i) => i + 1);
      const responses = await Promise.all(
        amounts.map((amount) => bank.http().post(`/accounts/${id}/deposits`).send({ amount })),
      );
      // The retries resolve the conflicts (all 200 in practice); a deposit whose retries all
      // lost would be a 409 that wrote nothing. Either way the balance is exact.
      expect(responses.every((r) => r.status === 200 || r.status === 409)).toBe(true);
      const done = responses.filter((r) => r.status === 200);
      expect(done.length).toBeGreaterThanOrEqual(45);
      const versions = done.map((r) => r.body.version as number).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: done.length }, (_, i) => i + 2));
      const acknowledged = amounts.filter((_, i) => responses[i]!.status === 200).reduce((a, b) => a + b, 0);
      const last = await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 1 }).expect(200);
      expect(last.body).toMatchObject({ version: done.length + 2, balance: acknowledged + 1 });
    });

    it('answers 409 ES_CONCURRENCY when the retries cannot resolve a conflict', async () => {
      const id = await bank.openAccount('Ada', 100);
      const store = bank.app.get(EventStore);
      const append = store.append.bind(store);
      // Another writer that always wins the race for this account's stream.
      const spy = jest.spyOn(store, 'append').mockImplementation(async (streamId, events, options) => {
        if (streamId !== `account-${id}`) return append(streamId, events, options);
        throw new ConcurrencyError(streamId, options?.expectedVersion ?? 'any', 99);
      });
      try {
        const response = await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 1 }).expect(409);
        expect(response.body).toMatchObject({ code: 'ES_CONCURRENCY', status: 409 });
        expect(spy.mock.calls.filter(([streamId]) => streamId === `account-${id}`).length).toBeGreaterThan(1);
      } finally {
        spy.mockRestore();
      }
    });
  });
});
