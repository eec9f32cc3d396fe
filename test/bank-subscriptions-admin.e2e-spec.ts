import { DataSource } from 'typeorm';
import { waitForCondition } from './support/app-process';
import { ADMIN_TOKEN, startBankApp, type BankTestApp } from './support/bank-app';

// Operators see and steer the bank's durable subscribers over HTTP: status with lag,
// a rebuild of the accounts projection with progress, parked events retried.
describe('bank app: /admin/subscriptions for operators', () => {
  let bank: BankTestApp;

  beforeAll(async () => {
    bank = await startBankApp('bank_admin_subscriptions');
  });
  afterAll(() => bank?.close());

  const admin = (method: 'get' | 'post' | 'delete', path: string) =>
    bank.http()[method](path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  const status = async () =>
    (await admin('get', '/admin/subscriptions').expect(200)).body.subscribers as {
      name: string;
      kind: string;
      state: string;
      lag: number;
      position: string;
      rebuild?: { done: number; total: number; percent: number };
    }[];

  it('lists the accounts projection and the transfer saga with their state and lag', async () => {
    await bank.openAccount('Ada', 100);
    await waitForCondition(async () => (await status()).every((s) => s.lag === 0 && s.state === 'caught-up'), 10_000);
    const subscribers = await status();
    expect(subscribers.map((s) => [s.name, s.kind])).toEqual([
      ['bank-accounts', 'projection'],
      ['transfer', 'saga'],
    ]);
    expect(subscribers[0]!.position).toMatch(/^\d+$/);
    await bank.http().get('/admin/subscriptions').expect(401);
  });

  it('rebuilds the accounts projection from the first event, ending with the same read model', async () => {
    for (let i = 0; i < 5; i++) await bank.openAccount(`R${i}`, 10 * (i + 1));
    await waitForCondition(async () => (await status())[0]!.lag === 0, 10_000);
    const dataSource = bank.app.get(DataSource);
    const read = () => dataSource.query('SELECT id, balance, version FROM bank_account_views ORDER BY id');
    const before = await read();
    const started = await admin('post', '/admin/subscriptions/bank-accounts/rebuild').expect(202);
    expect(started.body).toMatchObject({ name: 'bank-accounts' });
    await waitForCondition(async () => {
      const [accounts] = await status();
      return accounts!.state === 'caught-up' && accounts!.rebuild === undefined;
    }, 10_000);
    expect(await read()).toEqual(before);
  });

  it('refuses to rebuild a saga (422) and answers 404 for unknown subscribers and parked events', async () => {
    const saga = await admin('post', '/admin/subscriptions/transfer/rebuild').expect(422);
    expect(saga.body).toMatchObject({ code: 'ES_UNSUPPORTED_OPERATION' });
    await admin('post', '/admin/subscriptions/nope/rebuild').expect(404);
    const parked = await admin(
      'post',
      '/admin/subscriptions/bank-accounts/parked/7f1b0c2e-0000-4000-8000-000000000000/retry',
    ).expect(404);
    expect(parked.body).toMatchObject({ code: 'ES_PARKED_EVENT_NOT_FOUND' });
    // Parked inbound messages have the ids their senders chose: any id up to 512 characters is looked up.
    await admin('post', '/admin/subscriptions/bank-accounts/parked/not-a-uuid/retry').expect(404);
    await admin('post', `/admin/subscriptions/bank-accounts/parked/${'x'.repeat(513)}/retry`).expect(400);
    expect((await admin('get', '/admin/subscriptions/parked').expect(200)).body).toEqual({ parked: [] });
  });
});
