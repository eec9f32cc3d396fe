import { AggregateRepository, InjectAggregateRepository } from 'nest-event-sourcing';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BankAccount } from '../bank-account.aggregate';
import type { AccountCommandResult } from './account-command-result';
import { OpenAccount } from './open-account.command';
import { resultOf } from './result-of';

@CommandHandler(OpenAccount)
export class OpenAccountHandler implements ICommandHandler<OpenAccount> {
  constructor(@InjectAggregateRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>) {}

  /**
   * A new stream: opening an id that exists is a conflict, and writes nothing; so is an
   * email another account has (the `email` natural key, `NaturalKeyTakenError`).
   */
  async execute({ accountId, owner, initialDeposit, email }: OpenAccount): Promise<AccountCommandResult> {
    const open = (account: BankAccount): void => {
      account.open(owner, initialDeposit);
      if (email !== undefined) account.setEmail(email);
    };
    return resultOf(await this.accounts.create(accountId, open));
  }
}
