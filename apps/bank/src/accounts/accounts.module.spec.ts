import { randomUUID } from 'node:crypto';
import { EventStore, EventSourcingModule, Subscriptions } from 'nest-event-sourcing';
import { DataSource } from 'typeorm';
import { createEventSourcingTestingModule } from 'nest-event-sourcing/testing';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { AccountsModule } from './accounts.module';
import { AccountReadModel1764300000000 } from './projections/account-read-model.migration';
import { AccountEmail1765100000001 } from './projections/account-email.migration';
import { ACCOUNTS_PROJECTION } from './projections/accounts.projection';
import { CloseAccount } from './commands/close-account.command';
import { DepositMoney } from './commands/deposit-money.command';
import { OpenAccount } from './commands/open-account.command';
import { WithdrawMoney } from './commands/withdraw-money.command';
import { InsufficientFundsError } from './errors/insufficient-funds.error';

describe('accounts through the CommandBus, on the in-memory store', () => {
  let moduleRef: TestingModule;
  let bus: CommandBus;

  beforeAll(async () => {
    moduleRef = await createEventSourcingTestingModule({ imports: [AccountsModule] }).compile();
    await moduleRef.init();
    bus = moduleRef.get(CommandBus);
  });

  afterAll(() => moduleRef.close());

  it('opens, deposits, withdraws and closes, answering version, position and balance', async () => {
    const id = randomUUID();
    await expect(bus.execute(new OpenAccount(id, 'Ada', 100))).resolves.toMatchObject({ id, version: 2, balance: 100 });
    await expect(bus.execute(new DepositMoney(id, 50))).resolves.toMatchObject({ version: 3, balance: 150 });
    await expect(bus.execute(new WithdrawMoney(id, 200))).rejects.toThrow(InsufficientFundsError);
    await expect(bus.execute(new WithdrawMoney(id, 150))).resolves.toMatchObject({ version: 4, balance: 0 });
    const closed = await bus.execute(new CloseAccount(id));
    expect(closed).toMatchObject({ version: 5, position: expect.stringMatching(/^\d+$/) });
  });

  it('rejects a command whose expected version is not the current one', async () => {
    const id = randomUUID();
    await bus.execute(new OpenAccount(id, 'Bob'));
    await expect(bus.execute(new DepositMoney(id, 5, 7))).rejects.toMatchObject({
      code: 'ES_CONCURRENCY',
      expected: 7,
      actual: 1,
    });
  });
});

describe('accounts on PostgreSQL', () => {
  let database: TestDatabase;
  let moduleRef: TestingModule;

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'accounts');
    moduleRef = await Test.createTestingModule({
      imports: [
        CqrsModule.forRoot(),
        // The read model's tables come with the bank's migration, as BankModule runs it.
        EventSourcingModule.forRoot({
          database: database.url,
          typeorm: { migrations: [AccountReadModel1764300000000, AccountEmail1765100000001] },
        }),
        AccountsModule,
      ],
    }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    await moduleRef.close();
    await database.drop();
  });

  it('ends with the exact balance after 20 concurrent deposits to one account', async () => {
    const bus = moduleRef.get(CommandBus);
    const id = randomUUID();
    await bus.execute(new OpenAccount(id, 'Ada'));
    await Promise.all(Array.from({ length: 20 }, (_, i) => bus.execute(new DepositMoney(id, i + 1))));
    const result = await bus.execute(new DepositMoney(id, 1000));
    expect(result).toMatchObject({ version: 22, balance: 1000 + 210 });
  });

  it('reads a deposit stored in revision 1 as the current revision', async () => {
    const id = randomUUID();
    await moduleRef.get(EventStore).append(`account-${id}`, [
      { type: 'bank.account-opened', data: { accountId: id, owner: 'Old', openedAt: '2019-01-01T00:00:00.000Z' } },
      { type: 'bank.money-deposited', revision: 1, data: { accountId: id, cents: 250 } },
    ]);
    const result = await moduleRef.get(CommandBus).execute(new WithdrawMoney(id, 200));
    expect(result).toMatchObject({ version: 3, balance: 50 });
  });

  it('projects pages of mixed moves exactly: each statement line at its running balance', async () => {
    const subscriptions = moduleRef.get(Subscriptions);
    const bus = moduleRef.get(CommandBus);
    await subscriptions.pause(ACCOUNTS_PROJECTION);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await bus.execute(new OpenAccount(id, 'Page', 100));
    // Interleaved across accounts, so one page holds runs of several accounts' moves.
    for (let i = 0; i < 60; i++) {
      const id = ids[i % 3]!;
      await bus.execute(i % 4 === 3 ? new WithdrawMoney(id, 7) : new DepositMoney(id, i + 1));
    }
    await bus.execute(new CloseAccount(ids[2]!)).catch(() => undefined);
    await subscriptions.resume(ACCOUNTS_PROJECTION);
    await subscriptions.waitUntilCaughtUp([ACCOUNTS_PROJECTION], { timeoutMs: 10_000 });

    const dataSource = moduleRef.get(DataSource);
    for (const id of ids) {
      const lines = await dataSource.query<{ kind: string; amount: string; balance_after: string; version: number }[]>(
        'SELECT kind, amount, balance_after, version FROM bank_account_transactions WHERE account_id = $1 ORDER BY version',
        [id],
      );
      let balance = 0;
      for (const line of lines) {
        balance += (line.kind === 'deposit' ? 1 : -1) * Number(line.amount);
        expect(Number(line.balance_after)).toBe(balance);
      }
      const [view] = await dataSource.query<{ balance: string; version: number }[]>(
        'SELECT balance, version FROM bank_account_views WHERE id = $1',
        [id],
      );
      const stored = await moduleRef.get(EventStore).readStream(`account-${id}`);
      expect({ balance: Number(view!.balance), version: view!.version }).toEqual({
        balance,
        version: stored.at(-1)!.version,
      });
      // One line per money event: the opening deposit and 20 moves.
      expect(lines).toHaveLength(
        stored.filter((e) => e.type !== 'bank.account-opened' && e.type !== 'bank.account-closed').length,
      );
    }
  });
});
