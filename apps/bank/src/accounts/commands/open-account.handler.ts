import { AggregateRepository, InjectAggregateRepository } from '@app/event-sourcing';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BankAccount } from '../bank-account.aggregate';
import type { AccountCommandResult } from './account-command-result';
import { OpenAccount } from './open-account.command';
import { resultOf } from './result-of';

@CommandHandler(OpenAccount)
export class OpenAccountHandler implements ICommandHandler<OpenAccount> {
  constructor(@InjectAggregateRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>) {}

  async execute({ accountId, owner, initialDeposit }: OpenAccount): Promise<AccountCommandResult> {
    // A new aggregate saves with expected version 0: opening an existing id is a conflict.
    const account = new BankAccount(accountId);
    account.open(owner, initialDeposit);
    return resultOf(account, await this.accounts.save(account));
  }
}
