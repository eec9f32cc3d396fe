import { randomUUID } from 'node:crypto';
import { EventStore, InMemoryEventStore, Sagas } from 'nest-event-sourcing';
import { withInMemoryEventStore } from 'nest-event-sourcing/testing';
import { CommandBus } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { BankModule } from './bank.module';
import { DepositMoney } from './accounts/commands/deposit-money.command';
import { OpenAccount } from './accounts/commands/open-account.command';
import { RequestTransfer } from './transfers/commands/transfer-commands';

describe('BankModule with the in-memory store swapped in', () => {
  it('boots without a database and runs commands', async () => {
    const moduleRef = await withInMemoryEventStore(Test.createTestingModule({ imports: [BankModule] })).compile();
    await moduleRef.init();
    try {
      expect(moduleRef.get(EventStore)).toBeInstanceOf(InMemoryEventStore);
      const id = randomUUID();
      const bus = moduleRef.get(CommandBus);
      await bus.execute(new OpenAccount(id, 'Ada', 10));
      await expect(bus.execute(new DepositMoney(id, 5))).resolves.toMatchObject({ balance: 15, version: 3 });
    } finally {
      await moduleRef.close();
    }
  });

  it('runs the transfer saga in memory: commands through the bus, money moved once', async () => {
    const moduleRef = await withInMemoryEventStore(Test.createTestingModule({ imports: [BankModule] })).compile();
    await moduleRef.init();
    try {
      const [from, to, transferId] = [randomUUID(), randomUUID(), randomUUID()];
      const bus = moduleRef.get(CommandBus);
      await bus.execute(new OpenAccount(from, 'Ada', 1_000));
      await bus.execute(new OpenAccount(to, 'Grace', 0));
      await bus.execute(new RequestTransfer(transferId, from, to, 300));
      const sagas = moduleRef.get(Sagas);
      const deadline = Date.now() + 10_000;
      let saga = await sagas.findByCorrelation('transfer', transferId);
      while (saga?.status !== 'completed' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        saga = await sagas.findByCorrelation('transfer', transferId);
      }
      expect(saga).toMatchObject({ status: 'completed', pendingCommands: 0 });
      // A cent deposited answers each balance after the transfer.
      await expect(bus.execute(new DepositMoney(from, 1))).resolves.toMatchObject({ balance: 701 });
      await expect(bus.execute(new DepositMoney(to, 1))).resolves.toMatchObject({ balance: 301 });
    } finally {
      await moduleRef.close();
    }
  });
});
