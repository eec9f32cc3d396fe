import { AggregateRepository, InjectAggregateRepository } from '@app/event-sourcing';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BankAccount } from '../bank-account.aggregate';
import type { AccountCommandResult } from './account-command-result';
import type { AccountOperation } from './account-operation.command';
import { CloseAccount } from './close-account.command';
import { DepositMoney } from './deposit-money.command';
import { resultOf } from './result-of';
import { WithdrawMoney } from './withdraw-money.command';

/**
 * Load, decide, save: the shape of every command on an existing account. A conflict with
 * a concurrent command is retried by the framework (the whole handler runs again).
 */
abstract class AccountOperationHandler<C extends AccountOperation> {
  constructor(@InjectAggregateRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>) {}

  async execute(command: C): Promise<AccountCommandResult> {
    const account = await this.accounts.load(command.accountId, { expectedVersion: command.expectedVersion });
    this.decide(account, command);
    return resultOf(account, await this.accounts.save(account));
  }

  protected abstract decide(account: BankAccount, command: C): void;
}

@CommandHandler(DepositMoney)
export class DepositMoneyHandler
  extends AccountOperationHandler<DepositMoney>
  implements ICommandHandler<DepositMoney>
{
  protected decide(account: BankAccount, { amount }: DepositMoney): void {
    account.deposit(amount);
  }
}

@CommandHandler(WithdrawMoney)
export class WithdrawMoneyHandler
  extends AccountOperationHandler<WithdrawMoney>
  implements ICommandHandler<WithdrawMoney>
{
  protected decide(account: BankAccount, { amount }: WithdrawMoney): void {
    account.withdraw(amount);
  }
}

@CommandHandler(CloseAccount)
export class CloseAccountHandler
  extends AccountOperationHandler<CloseAccount>
  implements ICommandHandler<CloseAccount>
{
  protected decide(account: BankAccount): void {
    account.close();
  }
}
