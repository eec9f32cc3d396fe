import { EventStore, Sagas } from '@app/event-sourcing';
import { DataSource } from 'typeorm';
import { waitForCondition } from './support/app-process';
import { ADMIN_TOKEN, startBankApp, type BankTestApp } from './support/bank-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

// Transfers over HTTP, run by the durable transfer saga on PostgreSQL, in every path:
// success, a refused debit, a refused credit (refund), an approval, a missed approval
// deadline (refund) — also across a restart of the app — and no command twice.
const env = { TRANSFER_APPROVAL_LIMIT: '10000', TRANSFER_APPROVAL_TIMEOUT_MS: '4000' };

describe('bank app: transfers', () => {
  let database: TestDatabase;
  let bank: BankTestApp;

  const start = async () => {
    bank = await startBankApp('bank_transfers', ADMIN_TOKEN, { database, env });
  };

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'bank_transfers');
    await start();
  });
  afterAll(async () => {
    await bank?.close();
    await database?.drop();
  });

  const balance = async (id: string): Promise<number> =>
    (await bank.http().get(`/accounts/${id}`).expect(200)).body.balance as number;
  const transfer = async (fromAccountId: string, toAccountId: string, amount: number): Promise<string> => {
    const response = await bank.http().post('/transfers').send({ fromAccountId, toAccountId, amount }).expect(202);
    expect(response.headers.location).toBe(`/transfers/${response.body.transferId}`);
    return response.body.transferId as string;
  };
  const outcome = async (id: string, timeoutMs = 20_000): Promise<{ status: string; reason?: string }> => {
    let last: { status: string; reason?: string } = { status: 'pending' };
    await waitForCondition(async () => {
      last = (await bank.http().get(`/transfers/${id}`).expect(200)).body;
      return last.status !== 'pending';
    }, timeoutMs);
    return last;
  };
  /** Balances once every account's projection has caught up. */
  const balances = async (...ids: string[]): Promise<number[]> => {
    await waitForCondition(async () => {
      const { body } = await bank.http().get('/health');
      return body.details?.projections?.subscribers?.['bank-accounts']?.lag === 0;
    }, 10_000);
    return Promise.all(ids.map(balance));
  };

  it('moves the money: 202, then completed, the source debited and the target credited', async () => {
    const a = await bank.openAccount('A', 1000);
    const b = await bank.openAccount('B');
    const id = await transfer(a, b, 300);
    expect((await bank.http().get(`/transfers/${id}`).expect(200)).body).toMatchObject({
      transferId: id,
      fromAccountId: a,
      toAccountId: b,
      amount: 300,
      needsApproval: false,
    });
    expect(await outcome(id)).toEqual(expect.objectContaining({ status: 'completed' }));
    expect(await balances(a, b)).toEqual([700, 300]);
    // The saga ends once it has read TransferCompleted, a moment after the transfer completes.
    const sagas = bank.app.get(Sagas);
    await waitForCondition(async () => (await sagas.findByCorrelation('transfer', id))?.status === 'completed', 10_000);
    expect(await sagas.findByCorrelation('transfer', id)).toMatchObject({ deadlines: [], pendingCommands: 0 });
    // The saga's commands keep the request's correlation id, and what they store is caused by
    // the event that decided them: the debit by TransferRequested.
    const [requested] = await bank.app.get(EventStore).readStream(`transfer-${id}`, { limit: 1 });
    const debit = (
      await bank.app.get(EventStore).queryEvents({ streams: [`account-${a}`], types: ['bank.money-withdrawn'] })
    )[0]!;
    expect(debit.metadata.correlationId).toBe(requested!.metadata.correlationId);
    expect(debit.metadata.causationId).toBe(requested!.eventId);
    const [command] = await bank.app
      .get(DataSource)
      .query<{ causation_id: string }[]>(
        `SELECT causation_id FROM es_saga_commands WHERE command_type = 'DebitForTransfer' AND payload->>'transferId' = $1`,
        [id],
      );
    expect(command!.causation_id).toBe(requested!.eventId);
  });

  it('fails without moving anything when the source cannot pay', async () => {
    const a = await bank.openAccount('Poor', 100);
    const b = await bank.openAccount('B');
    const id = await transfer(a, b, 300);
    expect(await outcome(id)).toMatchObject({ status: 'failed', reason: 'debit refused: insufficient-funds' });
    expect(await balances(a, b)).toEqual([100, 0]);
  });

  it('refunds the source when the target refuses the credit (closed), and fails', async () => {
    const a = await bank.openAccount('A', 1000);
    const b = await bank.openAccount('Closed');
    await bank.http().post(`/accounts/${b}/close`).expect(200);
    const id = await transfer(a, b, 400);
    expect(await outcome(id)).toMatchObject({ status: 'failed', reason: 'credit refused: account-closed' });
    expect(await balances(a, b)).toEqual([1000, 0]);
    const statement = (await bank.http().get(`/accounts/${a}/transactions`).expect(200)).body.items as {
      kind: string;
      amount: number;
    }[];
    expect(statement.map((t) => [t.kind, t.amount])).toEqual([
      ['deposit', 400],
      ['withdrawal', 400],
      ['deposit', 1000],
    ]);
  });

  it('holds a large transfer until it is approved, then completes it', async () => {
    const a = await bank.openAccount('Big', 50_000);
    const b = await bank.openAccount('B');
    const id = await transfer(a, b, 20_000);
    await waitForCondition(
      async () => (await bank.http().get(`/transfers/${id}`)).body.step === 'awaiting-approval',
      10_000,
    );
    expect(await balances(a)).toEqual([30_000]);
    await bank.http().post(`/transfers/${id}/approve`).expect(200);
    expect(await outcome(id)).toMatchObject({ status: 'completed' });
    expect(await balances(a, b)).toEqual([30_000, 20_000]);
    await bank.http().post(`/transfers/${id}/approve`).expect(422);
  });

  it('refunds a large transfer when the approval deadline passes, and fails it', async () => {
    const a = await bank.openAccount('Big', 50_000);
    const b = await bank.openAccount('B');
    const id = await transfer(a, b, 20_000);
    expect(await outcome(id)).toMatchObject({ status: 'failed', reason: 'approval timed out' });
    expect(await balances(a, b)).toEqual([50_000, 0]);
  });

  it('fires a deadline that fell due while the app was down, after its restart', async () => {
    const a = await bank.openAccount('Restart', 50_000);
    const b = await bank.openAccount('B');
    const id = await transfer(a, b, 15_000);
    await waitForCondition(
      async () => (await bank.http().get(`/transfers/${id}`)).body.step === 'awaiting-approval',
      10_000,
    );
    await bank.close();
    // Down for longer than the approval timeout.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    await start();
    expect(await outcome(id)).toMatchObject({ status: 'failed', reason: 'approval timed out' });
    expect(await balances(a, b)).toEqual([50_000, 0]);
  });

  it('completes a transfer approved after a restart between its steps', async () => {
    const a = await bank.openAccount('Restart', 50_000);
    const b = await bank.openAccount('B');
    await bank.close();
    await start();
    const id = await transfer(a, b, 12_000);
    await waitForCondition(
      async () => (await bank.http().get(`/transfers/${id}`)).body.step === 'awaiting-approval',
      10_000,
    );
    await bank.close();
    await start();
    await bank.http().post(`/transfers/${id}/approve`).expect(200);
    expect(await outcome(id)).toMatchObject({ status: 'completed' });
    expect(await balances(a, b)).toEqual([38_000, 12_000]);
  });

  it('dispatches no command twice when the saga reads its events again', async () => {
    const a = await bank.openAccount('Again', 1000);
    const b = await bank.openAccount('B');
    const id = await transfer(a, b, 100);
    expect(await outcome(id)).toMatchObject({ status: 'completed' });
    const dataSource = bank.app.get(DataSource);
    const count = async () =>
      (await dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM es_saga_commands'))[0]!.n;
    const commandsBefore = await count();
    const eventsBefore = await bank.countEvents();
    // Redeliver everything: the saga's checkpoint goes back to the start of the store.
    await dataSource.query(
      `UPDATE es_checkpoints SET transaction_id = '0', position = 0 WHERE subscriber = 'transfer'`,
    );
    await waitForCondition(async () => {
      const [row] = await dataSource.query<{ done: boolean }[]>(
        `SELECT NOT EXISTS (SELECT 1 FROM es_events e WHERE (e.transaction_id, e.position) > (c.transaction_id, c.position)) AS done
           FROM es_checkpoints c WHERE c.subscriber = 'transfer'`,
      );
      return row?.done === true;
    }, 10_000);
    expect(await count()).toBe(commandsBefore);
    expect(await bank.countEvents()).toBe(eventsBefore);
    expect(await balances(a, b)).toEqual([900, 100]);
  });

  it('answers 404 for an unknown account or transfer and 422 for a transfer to the same account', async () => {
    const a = await bank.openAccount('A', 10);
    await bank.http().post('/transfers').send({ fromAccountId: a, toAccountId: 'nope', amount: 1 }).expect(404);
    await bank.http().get('/transfers/nope').expect(404);
    const same = await bank.http().post('/transfers').send({ fromAccountId: a, toAccountId: a, amount: 1 }).expect(422);
    expect(same.body).toMatchObject({ code: 'ES_DOMAIN_RULE', rule: 'same-account-transfer' });
    await bank.http().post('/transfers').send({ fromAccountId: a, toAccountId: a, amount: -1 }).expect(400);
  });
});
