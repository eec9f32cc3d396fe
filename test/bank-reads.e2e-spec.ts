import { startBankApp, type BankTestApp } from './support/bank-app';

// The read side of the bank over HTTP: accounts and statements from the accounts
// projection, with read-your-writes through ?minPosition.
describe('bank app: reads from the accounts projection', () => {
  let bank: BankTestApp;

  beforeAll(async () => {
    bank = await startBankApp('bank_reads');
  });
  afterAll(() => bank?.close());

  const deposit = async (id: string, amount: number) =>
    (await bank.http().post(`/accounts/${id}/deposits`).send({ amount }).expect(200)).body as {
      version: number;
      position: string;
    };

  it('GET /accounts/:id?minPosition= answers the account as of the command just made, with its ETag', async () => {
    const id = await bank.openAccount('Grace', 100);
    const { position, version } = await deposit(id, 250);
    const response = await bank.http().get(`/accounts/${id}?minPosition=${position}`).expect(200);
    expect(response.body).toEqual({ id, owner: 'Grace', email: null, balance: 350, status: 'open', version });
    expect(response.headers.etag).toBe(`"${version}"`);
  });

  it('GET /accounts/:id/transactions is the statement, newest first, page by page', async () => {
    const id = await bank.openAccount('Linus', 10);
    for (const amount of [1, 2, 3, 4]) await deposit(id, amount);
    const withdrawal = await bank.http().post(`/accounts/${id}/withdrawals`).send({ amount: 5 }).expect(200);
    const position = (withdrawal.body as { position: string }).position;
    const first = await bank.http().get(`/accounts/${id}/transactions?limit=3&minPosition=${position}`).expect(200);
    const lines = (first.body as { items: { kind: string; amount: number }[] }).items;
    expect(lines.map((t) => [t.kind, t.amount])).toEqual([
      ['withdrawal', 5],
      ['deposit', 4],
      ['deposit', 3],
    ]);
    expect(first.body.items[0]).toMatchObject({ balanceAfter: 15, version: 7 });
    const second = await bank.http().get(`/accounts/${id}/transactions?limit=3&before=${first.body.next}`).expect(200);
    expect(second.body).toMatchObject({ items: [{ amount: 2 }, { amount: 1 }, { amount: 10 }], next: null });
  });

  it('GET /accounts pages through the accounts by id', async () => {
    const ids = [await bank.openAccount('P1'), await bank.openAccount('P2'), await bank.openAccount('P3')];
    const last = await deposit(ids[2]!, 1);
    const seen: string[] = [];
    let after = '';
    for (let page = 0; page < 20; page++) {
      const query = `limit=2&minPosition=${last.position}${after ? `&after=${after}` : ''}`;
      const response = await bank.http().get(`/accounts?${query}`).expect(200);
      const page = response.body as { items: { id: string }[]; next: string | null };
      seen.push(...page.items.map((a) => a.id));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(ids));
    const listed = await bank.http().get(`/accounts?limit=100&minPosition=${last.position}`).expect(200);
    expect(listed.body.items).toContainEqual({
      id: ids[2],
      owner: 'P3',
      email: null,
      balance: 1,
      status: 'open',
      version: 2,
    });
  });

  it('shows a closed account as closed', async () => {
    const id = await bank.openAccount('Closing');
    const closed = await bank.http().post(`/accounts/${id}/close`).expect(200);
    const response = await bank
      .http()
      .get(`/accounts/${id}?minPosition=${(closed.body as { position: string }).position}`)
      .expect(200);
    expect(response.body).toMatchObject({ status: 'closed', balance: 0 });
  });

  it('answers 404 problem+json for an unknown account and its statement', async () => {
    for (const path of ['/accounts/nope', '/accounts/nope/transactions']) {
      const response = await bank.http().get(path).expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    }
  });

  it.each([
    ['limit=0', '/accounts?limit=0'],
    ['limit=101', '/accounts?limit=101'],
    ['limit=abc', '/accounts?limit=abc'],
    ['minPosition=-1', '/accounts?minPosition=-1'],
    ['an unknown parameter', '/accounts?sort=owner'],
  ])('answers %s with 400 VALIDATION_FAILED', async (_name, path) => {
    const response = await bank.http().get(path).expect(400);
    expect(response.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('answers 503 ES_WAIT_TIMEOUT when the read model does not reach minPosition in time', async () => {
    const response = await bank.http().get('/accounts?minPosition=999999999').expect(503);
    expect(response.body).toMatchObject({ status: 503, code: 'ES_WAIT_TIMEOUT' });
    expect(response.headers['retry-after']).toBe('1');
  }, 15_000);
});
