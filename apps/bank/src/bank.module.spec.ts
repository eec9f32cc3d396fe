import { randomUUID } from 'node:crypto';
import { EventStore, InMemoryEventStore } from 'nest-event-sourcing';
import { withInMemoryEventStore } from 'nest-event-sourcing/testing';
import { CommandBus } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { BankModule } from './bank.module';
import { DepositMoney } from './accounts/commands/deposit-money.command';
import { OpenAccount } from './accounts/commands/open-account.command';

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
});
