import { EventStore } from 'nest-event-sourcing';
import { MAX_BALANCE } from '../apps/bank/src/accounts/money';
import { waitForCondition } from './support/app-process';
import { startBankApp, type BankTestApp } from './support/bank-app';

// Money never loses precision: amounts and balances stay within MAX_BALANCE (10^15
// cents), far below 2^53, so the write side, the stored events and the read model
// always agree, exactly, with a replay of the events.

let bank: BankTestApp;

beforeAll(async () => {
  bank = await startBankApp('bank_money_limits');
});
afterAll(() => bank?.close());

interface AccountView {
  balance: number;
  version: number;
}

/** The read model once it has applied the given position. */
async function readModel(id: string, position: string): Promise<AccountView> {
  return (await bank.http().get(`/accounts/${id}?minPosition=${position}`).expect(200)).body as AccountView;
}

/** The balance a replay of the account's stored events gives, and the balances the events record. */
async function replay(id: string): Promise<{ balance: number; recorded: number[] }> {
  const events = await bank.app.get(EventStore).readStream(`account-${id}`);
  let balance = 0;
  const recorded: number[] = [];
  for (const { type, data } of events) {
    const { amount, balance: after } = data as { amount?: number; balance?: number };
    if (type === 'bank.money-deposited') balance += amount!;
    if (type === 'bank.money-withdrawn') balance -= amount!;
    if (after !== undefined) recorded.push(after);
  }
  return { balance, recorded };
}

describe('amounts and balances', () => {
  it.each([
    ['an initial deposit of 2^53 - 1', { owner: 'Ada', initialDeposit: Number.MAX_SAFE_INTEGER }],
    ['an initial deposit one cent past the limit', { owner: 'Ada', initialDeposit: MAX_BALANCE + 1 }],
  ])('refuses %s with 400 and writes nothing', async (_title, body) => {
    const before = await bank.countEvents();
    const response = await bank.http().post('/accounts').send(body);
    expect({ status: response.status, code: response.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(await bank.countEvents()).toBe(before);
  });

  it('refuses a deposit of 2^53 + 1, which JSON cannot even carry exactly', async () => {
    const id = await bank.openAccount('Ada', 5);
    const response = await bank
      .http()
      .post(`/accounts/${id}/deposits`)
      .set('Content-Type', 'application/json')
      .send('{"amount":9007199254740993}');
    expect(response.status).toBe(400);
  });

  it('fills an account to the limit exactly, then answers 422 balance-limit and writes nothing', async () => {
    const opened = await bank
      .http()
      .post('/accounts')
      .send({ owner: 'Ada', initialDeposit: MAX_BALANCE - 10 });
    const id = opened.body.id as string;
    const full = await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 10 }).expect(200);
    expect(full.body.balance).toBe(MAX_BALANCE);

    const before = await bank.countEvents();
    const refused = await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 1 });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'ES_DOMAIN_RULE', rule: 'balance-limit' });
    expect(await bank.countEvents()).toBe(before);

    // Write side, stored events and read model agree with a replay, to the cent.
    const view = await readModel(id, full.body.position as string);
    const { balance, recorded } = await replay(id);
    expect({ view: view.balance, replay: balance, last: recorded.at(-1) }).toEqual({
      view: MAX_BALANCE,
      replay: MAX_BALANCE,
      last: MAX_BALANCE,
    });
    const statement = await bank.http().get(`/accounts/${id}/transactions`).expect(200);
    expect(statement.body.items[0]).toMatchObject({ amount: 10, balanceAfter: MAX_BALANCE });
  });

  it('fails a transfer into a full account with balance-limit and refunds the source: money is conserved', async () => {
    const source = await bank.openAccount('Source', 700);
    const full = await bank.openAccount('Full', MAX_BALANCE);
    const { body } = await bank
      .http()
      .post('/transfers')
      .send({ fromAccountId: source, toAccountId: full, amount: 700 });
    const outcome = await bank.transferOutcome(body.transferId as string);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'credit refused: balance-limit' });
    expect((await replay(source)).balance).toBe(700);
    expect((await replay(full)).balance).toBe(MAX_BALANCE);
  });

  it('counts a transfer in flight against its source until it completes, then settles it', async () => {
    const source = await bank.openAccount('Source', MAX_BALANCE);
    const target = await bank.openAccount('Target');
    const amount = 2_000_000; // at least the approval limit: it waits, debited, for an approval
    const { body } = await bank.http().post('/transfers').send({ fromAccountId: source, toAccountId: target, amount });
    const transferId = body.transferId as string;
    const types = async () => (await bank.app.get(EventStore).readStream(`account-${source}`)).map((e) => e.type);
    await waitForCondition(async () => (await types()).includes('bank.money-withdrawn'), 20_000);

    // Debited but not settled: the money may come back, so there is no room for more.
    const refused = await bank.http().post(`/accounts/${source}/deposits`).send({ amount: 1 });
    expect(refused.body).toMatchObject({ code: 'ES_DOMAIN_RULE', rule: 'balance-limit' });

    await bank.http().post(`/transfers/${transferId}/approve`).expect(200);
    await waitForCondition(async () => (await types()).includes('bank.transfer-debit-settled'), 20_000);
    const refilled = await bank.http().post(`/accounts/${source}/deposits`).send({ amount }).expect(200);
    expect(refilled.body.balance).toBe(MAX_BALANCE);
    expect((await replay(target)).balance).toBe(amount);
    const view = await readModel(source, refilled.body.position as string);
    expect(view).toMatchObject({ balance: MAX_BALANCE, version: refilled.body.version });
  });
});
