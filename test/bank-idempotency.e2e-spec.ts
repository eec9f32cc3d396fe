import { DataSource } from 'typeorm';
import { startBankApp, type BankTestApp } from './support/bank-app';

describe('bank app: Idempotency-Key', () => {
  let bank: BankTestApp;

  beforeAll(async () => {
    bank = await startBankApp('bank_idempotency');
  });
  afterAll(() => bank?.close());

  it('answers a repeated POST /accounts with the first response, headers included, and opens one account', async () => {
    const before = await bank.countEvents();
    const send = () =>
      bank.http().post('/accounts').set('Idempotency-Key', 'open-1').send({ owner: 'Ada', initialDeposit: 5 });
    const first = await send().expect(201);
    const again = await send().expect(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await bank.countEvents()).toBe(before + 2);
  });

  it('applies a repeated deposit once', async () => {
    const id = await bank.openAccount('Ada', 100);
    const before = await bank.countEvents();
    const send = () =>
      bank.http().post(`/accounts/${id}/deposits`).set('Idempotency-Key', 'dep-1').send({ amount: 40 });
    const first = await send().expect(200);
    for (let i = 0; i < 3; i++) expect((await send().expect(200)).text).toBe(first.text);
    expect(first.body.balance).toBe(140);
    expect(await bank.countEvents()).toBe(before + 1);
    const next = await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 1 }).expect(200);
    expect(next.body.balance).toBe(141);
  });

  it('keeps the key and the response in PostgreSQL', async () => {
    const id = await bank.openAccount('Ada', 100);
    await bank
      .http()
      .post(`/accounts/${id}/withdrawals`)
      .set('Idempotency-Key', 'kept-1')
      .send({ amount: 10 })
      .expect(200);
    const rows = await bank.app
      .get(DataSource)
      .query(
        `SELECT status, response_status, response_body, response_headers FROM es_idempotency_keys WHERE key = 'kept-1'`,
      );
    expect(rows).toEqual([
      {
        status: 'completed',
        response_status: 200,
        response_body: expect.objectContaining({ id, balance: 90 }),
        response_headers: { etag: '"3"' },
      },
    ]);
  });

  it('answers the same key with another body with 422 IDEMPOTENCY_KEY_REUSED, writing nothing', async () => {
    const id = await bank.openAccount('Ada', 100);
    await bank.http().post(`/accounts/${id}/deposits`).set('Idempotency-Key', 'dep-2').send({ amount: 1 }).expect(200);
    const before = await bank.countEvents();
    const reused = await bank
      .http()
      .post(`/accounts/${id}/deposits`)
      .set('Idempotency-Key', 'dep-2')
      .send({ amount: 2 })
      .expect(422);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
    const elsewhere = await bank
      .http()
      .post(`/accounts/${id}/withdrawals`)
      .set('Idempotency-Key', 'dep-2')
      .send({ amount: 1 })
      .expect(422);
    expect(elsewhere.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await bank.countEvents()).toBe(before);
  });

  it('lets a corrected request reuse the key of a failed one', async () => {
    const id = await bank.openAccount('Ada', 100);
    await bank
      .http()
      .post(`/accounts/${id}/withdrawals`)
      .set('Idempotency-Key', 'wd-1')
      .send({ amount: 500 })
      .expect(422);
    await bank
      .http()
      .post(`/accounts/${id}/withdrawals`)
      .set('Idempotency-Key', 'wd-1')
      .send({ amount: -1 })
      .expect(400);
    const fixed = await bank
      .http()
      .post(`/accounts/${id}/withdrawals`)
      .set('Idempotency-Key', 'wd-1')
      .send({ amount: 50 })
      .expect(200);
    expect(fixed.body.balance).toBe(50);
  });

  it('runs concurrent requests with one key once: the others get the response or 409 IDEMPOTENCY_KEY_IN_PROGRESS', async () => {
    const id = await bank.openAccount('Ada', 100);
    const before = await bank.countEvents();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        bank.http().post(`/accounts/${id}/deposits`).set('Idempotency-Key', 'race-1').send({ amount: 7 }),
      ),
    );
    const ok = responses.filter((r) => r.status === 200);
    const busy = responses.filter((r) => r.status === 409);
    expect(ok.length + busy.length).toBe(10);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of ok) expect(r.body).toMatchObject({ balance: 107, version: 3 });
    for (const r of busy) expect(r.body.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
    expect(await bank.countEvents()).toBe(before + 1);
  });
});
