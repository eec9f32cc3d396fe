import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { waitForCondition } from './support/app-process';
import { ADMIN_TOKEN, startBankApp, type BankTestApp } from './support/bank-app';

// Forgetting an account holder over HTTP: DELETE /accounts/:id/personal-data, then no
// trace of the name in any table of the database, and the account still right.
describe('bank app: forgetting an account holder', () => {
  let bank: BankTestApp;
  const env = { TRANSFER_APPROVAL_LIMIT: '10000', TRANSFER_APPROVAL_TIMEOUT_MS: '60000' };

  beforeAll(async () => {
    bank = await startBankApp('bank_personal_data', ADMIN_TOKEN, { env });
  });
  afterAll(() => bank?.close());

  const forget = (id: string, token: string | null = ADMIN_TOKEN) => {
    const call = bank.http().delete(`/accounts/${id}/personal-data`);
    return token === null ? call : call.set('Authorization', `Bearer ${token}`);
  };
  const account = async (id: string) =>
    (await bank.http().get(`/accounts/${id}`).expect(200)).body as { owner: string | null; personalData: string };
  const untilForgotten = (id: string) =>
    waitForCondition(async () => (await account(id)).personalData === 'forgotten', 10_000);
  const status = async () =>
    (await bank.http().get('/admin/subscriptions').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200)).body
      .subscribers as { name: string; lag: number; state: string; rebuild?: unknown }[];

  /** The tables of the database whose rows, as text, hold `needle` (bytea columns in hex too). */
  const tablesHolding = async (needle: string): Promise<string[]> => {
    const dataSource = bank.app.get(DataSource);
    const tables = await dataSource.query<{ table_schema: string; table_name: string }[]>(
      `SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const hex = Buffer.from(needle).toString('hex');
    const found: string[] = [];
    for (const { table_schema, table_name } of tables) {
      const name = `"${table_schema}"."${table_name}"`;
      const [row] = await dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM ${name} t WHERE t::text LIKE $1 OR t::text LIKE $2`,
        [`%${needle}%`, `%${hex}%`],
      );
      if (row!.n > 0) found.push(name);
    }
    return found;
  };

  it('forgets the owner: 204, null owner in the read model and the events, the balance kept, nothing in any table', async () => {
    const owner = `Ada Quintessa ${randomUUID().slice(0, 8)}`;
    const email = `ada.${randomUUID().slice(0, 8)}@example.com`;
    const opened = await bank.http().post('/accounts').send({ owner, email, initialDeposit: 100 }).expect(201);
    const id = opened.body.id as string;
    // Over 100 events: the aggregate takes a snapshot, which holds the owner.
    for (let i = 0; i < 100; i++) await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 1 }).expect(200);
    await bank.http().post(`/accounts/${id}/withdrawals`).send({ amount: 50 }).expect(200);
    expect(await bank.balances(id)).toEqual([150]);
    expect(await account(id)).toMatchObject({ owner, email, personalData: 'kept' });
    expect(
      (
        await bank
          .http()
          .get(`/accounts?email=${encodeURIComponent(email)}`)
          .expect(200)
      ).body,
    ).toMatchObject({ items: [{ id }] });
    const dataSource = bank.app.get(DataSource);
    const snapshots = () =>
      dataSource.query<unknown[]>('SELECT stream_id FROM es_snapshots WHERE stream_id = $1', [`account-${id}`]);
    expect(await snapshots()).toHaveLength(1);
    // Before: in the read model, and in the snapshot (aggregate state), never in the events.
    expect((await tablesHolding(owner)).sort()).toEqual(['"public"."bank_account_views"', '"public"."es_snapshots"']);
    // The email also in the natural-key table, which needs it as it is to keep it unique.
    expect((await tablesHolding(email)).sort()).toEqual([
      '"public"."bank_account_views"',
      '"public"."es_natural_keys"',
      '"public"."es_snapshots"',
    ]);

    await forget(id, null).expect(401);
    await forget(id).expect(204);
    await untilForgotten(id);
    expect(await account(id)).toMatchObject({ id, owner: null, email: null, personalData: 'forgotten', balance: 150 });
    await bank
      .http()
      .get(`/accounts?email=${encodeURIComponent(email)}`)
      .expect(404);
    const statement = (await bank.http().get(`/accounts/${id}/transactions?limit=100`).expect(200)).body;
    expect(statement.items).toHaveLength(100);
    expect(statement.items[0]).toMatchObject({ kind: 'withdrawal', amount: 50, balanceAfter: 150 });
    expect(await snapshots()).toHaveLength(0);
    const events = await bank
      .http()
      .get(`/events?stream=account-${id}&type=bank.account-opened`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .expect(200);
    expect(events.body.events).toHaveLength(1);
    expect(events.body.events[0]).toMatchObject({
      data: { accountId: id, owner: null },
      metadata: { $pd: ['owner'], $forgotten: ['owner'] },
    });
    expect(await tablesHolding(owner)).toEqual([]);
    expect(await tablesHolding(email)).toEqual([]);
    // The email is free again: another account may take it.
    await bank.http().post('/accounts').send({ owner: 'Other', email }).expect(201);

    // The account still works, and loads without its snapshot.
    await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 5 }).expect(200);
    expect(await bank.balances(id)).toEqual([155]);
    await forget(id).expect(204);
    await forget(randomUUID()).expect(404);
  });

  it('shows the owner as forgotten after the projection is rebuilt from the first event', async () => {
    const owner = `Grace Rebuilt ${randomUUID().slice(0, 8)}`;
    const id = await bank.openAccount(owner, 40);
    await forget(id).expect(204);
    await untilForgotten(id);
    await bank
      .http()
      .post('/admin/subscriptions/bank-accounts/rebuild')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .expect(202);
    await waitForCondition(async () => {
      const accounts = (await status()).find((s) => s.name === 'bank-accounts')!;
      return accounts.state === 'caught-up' && accounts.rebuild === undefined && accounts.lag === 0;
    }, 20_000);
    expect(await account(id)).toMatchObject({ owner: null, personalData: 'forgotten', balance: 40 });
    expect(await tablesHolding(owner)).toEqual([]);
  });

  it('forgets an account the projection has not read yet', async () => {
    const owner = `Mary Early ${randomUUID().slice(0, 8)}`;
    const response = await bank.http().post('/accounts').send({ owner, initialDeposit: 7 }).expect(201);
    const id = response.body.id as string;
    await forget(id).expect(204);
    await untilForgotten(id);
    expect(await account(id)).toMatchObject({ owner: null, balance: 7 });
    expect(await tablesHolding(owner)).toEqual([]);
  });

  it('lets a transfer the saga holds for approval complete after its source was forgotten', async () => {
    const owner = `Emmy Transfer ${randomUUID().slice(0, 8)}`;
    const from = await bank.openAccount(owner, 50_000);
    const to = await bank.openAccount('Target');
    const created = await bank.http().post('/transfers').send({ fromAccountId: from, toAccountId: to, amount: 20_000 });
    const transferId = created.body.transferId as string;
    await waitForCondition(
      async () => (await bank.http().get(`/transfers/${transferId}`)).body.step === 'awaiting-approval',
      10_000,
    );
    await forget(from).expect(204);
    await bank.http().post(`/transfers/${transferId}/approve`).expect(200);
    expect(await bank.transferOutcome(transferId)).toMatchObject({ status: 'completed' });
    expect(await bank.balances(from, to)).toEqual([30_000, 20_000]);
    await untilForgotten(from);
    expect(await tablesHolding(owner)).toEqual([]);
  });
});
