import { EventStore, Sagas, Subscriptions } from 'nest-event-sourcing';
import { DataSource } from 'typeorm';
import { waitForCondition } from './support/app-process';
import { ADMIN_TOKEN, startBankApp, type BankTestApp } from './support/bank-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

// Transfers over HTTP, run by the durable transfer saga on PostgreSQL, in every path:
// success, a refused debit, a refused credit (refund), an approval, a missed approval
// deadline (refund) — also across a restart of the app —, a deadline that waits for the
// saga to read an approval stored before it, and no command twice.
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

  const transfer = async (fromAccountId: string, toAccountId: string, amount: number): Promise<string> => {
    const response = await bank.http().post('/transfers').send({ fromAccountId, toAccountId, amount }).expect(202);
    expect(response.headers.location).toBe(`/transfers/${response.body.transferId}`);
    return response.body.transferId as string;
  };
  const outcome = (id: string, timeoutMs?: number) => bank.transferOutcome(id, timeoutMs);
  const balances = (...ids: string[]) => bank.balances(...ids);

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

  it('fires a deadline only once the saga has read what was stored before it: an approval stored first wins', async () => {
    const a = await bank.openAccount('Paused', 50_000);
    const b = await bank.openAccount('B');
    const id = await transfer(a, b, 25_000);
    await waitForCondition(
      async () => (await bank.http().get(`/transfers/${id}`)).body.step === 'awaiting-approval',
      10_000,
    );
    const subscriptions = bank.app.get(Subscriptions);
    const dataSource = bank.app.get(DataSource);
    const { sagaId } = (await bank.app.get(Sagas).findByCorrelation('transfer', id))!;
    const deadlines = async () =>
      (
        await dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM es_saga_deadlines WHERE saga_id = $1', [
          sagaId,
        ])
      )[0]!.n;
    // The saga reads nothing while paused (its runner has seen the pause).
    await subscriptions.pause('transfer');
    try {
      await waitForCondition(async () => subscriptions.localState('transfer') === 'stopped', 10_000);
      await bank.http().post(`/transfers/${id}/approve`).expect(200);
      // The deadline falls due now, after the approval was stored and before the saga read it.
      await dataSource.query('UPDATE es_saga_deadlines SET due_at = now() WHERE saga_id = $1', [sagaId]);
      // It waits for the saga (a worker that fired it now would act on a stale state), for
      // longer than the saga worker's poll interval (1 s): the worker has seen it due.
      await holdsThroughout(async () => (await deadlines()) === 1, 1_500);
    } finally {
      await subscriptions.resume('transfer');
    }
    expect(await outcome(id)).toMatchObject({ status: 'completed' });
    expect(await balances(a, b)).toEqual([25_000, 25_000]);
    const commands = await dataSource.query<{ command_type: string }[]>(
      'SELECT command_type FROM es_saga_commands WHERE saga_id = $1 ORDER BY seq',
      [sagaId],
    );
    expect(commands.map((c) => c.command_type)).toEqual([
      'DebitForTransfer',
      'CreditForTransfer',
      'SettleTransferDebit',
      'CompleteTransfer',
    ]);
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

/** Polls `check` for `ms` and fails as soon as it does not hold: for what must not happen meanwhile. */
async function holdsThroughout(check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    expect(await check()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
