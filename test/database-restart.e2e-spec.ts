import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { EventStore, Subscriptions } from 'nest-event-sourcing';
import { waitForCondition } from './support/app-process';
import { bootLedger } from './support/ledger-fixtures';
import { RestartablePostgres } from './support/restartable-postgres';

// PostgreSQL itself restarts under a running application: nothing crashes, the
// subscribers back off while it is away and resume from their checkpoints within
// seconds of its return, with nothing lost or applied twice.
describe('a PostgreSQL restart under a running application', () => {
  let server: RestartablePostgres;
  let app: TestingModule | undefined;

  beforeAll(async () => {
    server = await RestartablePostgres.create('test-restart');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await server?.stop();
  });

  it('resumes the projection from its checkpoint within seconds of the database coming back', async () => {
    app = await bootLedger(server.url);
    const store = app.get(EventStore);
    const subscriptions = app.get(Subscriptions);
    const deposit = (amount: number) =>
      store.append('ledger-x', [{ type: 'ledger.deposited', data: { account: 'x', amount } }]);
    for (let i = 1; i <= 20; i++) await deposit(i);
    await subscriptions.waitUntilCaughtUp();

    await server.stop();
    await waitForCondition(async () => subscriptions.localState('ledger-balances') === 'failing', 10_000);
    await expect(deposit(1000)).rejects.toThrow();

    await server.start();
    const back = Date.now();
    await waitForCondition(async () => (await deposit(21)).written, 10_000);
    await subscriptions.waitUntilCaughtUp(['ledger-balances'], { timeoutMs: 10_000 });
    expect(Date.now() - back).toBeLessThan(10_000);

    const dataSource = app.get(DataSource);
    expect(await dataSource.query('SELECT balance::int, deposits FROM ledger_balances')).toEqual([
      { balance: 231, deposits: 21 },
    ]);
    expect(subscriptions.localState('ledger-balances')).not.toBe('failing');
  }, 120_000);
});
