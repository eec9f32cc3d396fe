import { AggregateRepository, InjectAggregateRepository } from '@app/event-sourcing';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BankAccount } from '../bank-account.aggregate';
import type { AccountCommandResult } from './account-command-result';
import type { AccountOperation } from './account-operation.command';
import { CloseAccount } from './close-account.command';
import { DepositMoney } from './deposit-money.command';
import { resultOf } from './result-of';
import { CreditForTransfer, DebitForTransfer, RefundTransfer, SettleTransferDebit } from './transfer-moves.command';
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

@CommandHandler(SettleTransferDebit)
export class SettleTransferDebitHandler
  extends AccountOperationHandler<SettleTransferDebit>
  implements ICommandHandler<SettleTransferDebit>
{
  protected decide(account: BankAccount, { transferId }: SettleTransferDebit): void {
    account.settleTransferDebit(transferId);
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

/** The handler of one kind of transfer move: load the account, apply the move, save. */
function transferMoveHandler<C extends DebitForTransfer | CreditForTransfer | RefundTransfer>(
  commandClass: new (...args: never[]) => C,
  move: (account: BankAccount, transferId: string, amount: number) => void,
): new (accounts: AggregateRepository<BankAccount>) => { execute(command: C): Promise<AccountCommandResult> } {
  @CommandHandler(commandClass)
  class TransferMoveHandler extends AccountOperationHandler<C> {
    protected decide(account: BankAccount, { transferId, amount }: C): void {
      move(account, transferId, amount);
    }
  }
  Object.defineProperty(TransferMoveHandler, 'name', { value: `${commandClass.name}Handler` });
  return TransferMoveHandler;
}

export const DebitForTransferHandler = transferMoveHandler(DebitForTransfer, (account, transferId, amount) =>
  account.debitForTransfer(transferId, amount),
);
export const CreditForTransferHandler = transferMoveHandler(CreditForTransfer, (account, transferId, amount) =>
  account.creditForTransfer(transferId, amount),
);
export const RefundTransferHandler = transferMoveHandler(RefundTransfer, (account, transferId, amount) =>
  account.refundTransfer(transferId, amount),
);
