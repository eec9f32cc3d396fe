import { AggregateRepository, InjectAggregateRepository } from 'nest-event-sourcing';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BankAccount } from '../bank-account.aggregate';
import type { AccountCommandResult } from './account-command-result';
import { CloseAccount } from './close-account.command';
import { DepositMoney } from './deposit-money.command';
import { resultOf } from './result-of';
import { CreditForTransfer, DebitForTransfer, RefundTransfer, SettleTransferDebit } from './transfer-moves.command';
import { WithdrawMoney } from './withdraw-money.command';

// Each handler is load, decide, save (`update`), at the If-Match version when there is
// one; a conflict with a concurrent command runs the handler again (the framework's retry).

/** The repository every account handler uses. */
abstract class AccountHandler {
  constructor(@InjectAggregateRepository(BankAccount) protected readonly accounts: AggregateRepository<BankAccount>) {}
}

@CommandHandler(DepositMoney)
export class DepositMoneyHandler extends AccountHandler implements ICommandHandler<DepositMoney> {
  async execute({ accountId, amount, expectedVersion, reference }: DepositMoney): Promise<AccountCommandResult> {
    const decide = (a: BankAccount): void =>
      reference === undefined ? a.deposit(amount) : a.depositExternal(reference, amount);
    return resultOf(await this.accounts.update(accountId, decide, { expectedVersion }));
  }
}

@CommandHandler(WithdrawMoney)
export class WithdrawMoneyHandler extends AccountHandler implements ICommandHandler<WithdrawMoney> {
  async execute({ accountId, amount, expectedVersion }: WithdrawMoney): Promise<AccountCommandResult> {
    return resultOf(await this.accounts.update(accountId, (a) => a.withdraw(amount), { expectedVersion }));
  }
}

@CommandHandler(CloseAccount)
export class CloseAccountHandler extends AccountHandler implements ICommandHandler<CloseAccount> {
  async execute({ accountId, expectedVersion }: CloseAccount): Promise<AccountCommandResult> {
    return resultOf(await this.accounts.update(accountId, (a) => a.close(), { expectedVersion }));
  }
}

// The transfer saga's moves: idempotent by transfer, so a redelivered command moves nothing twice.

@CommandHandler(DebitForTransfer)
export class DebitForTransferHandler extends AccountHandler implements ICommandHandler<DebitForTransfer> {
  async execute({ accountId, transferId, amount }: DebitForTransfer): Promise<AccountCommandResult> {
    return resultOf(await this.accounts.update(accountId, (a) => a.debitForTransfer(transferId, amount)));
  }
}

@CommandHandler(CreditForTransfer)
export class CreditForTransferHandler extends AccountHandler implements ICommandHandler<CreditForTransfer> {
  async execute({ accountId, transferId, amount }: CreditForTransfer): Promise<AccountCommandResult> {
    return resultOf(await this.accounts.update(accountId, (a) => a.creditForTransfer(transferId, amount)));
  }
}

@CommandHandler(RefundTransfer)
export class RefundTransferHandler extends AccountHandler implements ICommandHandler<RefundTransfer> {
  async execute({ accountId, transferId, amount }: RefundTransfer): Promise<AccountCommandResult> {
    return resultOf(await this.accounts.update(accountId, (a) => a.refundTransfer(transferId, amount)));
  }
}

@CommandHandler(SettleTransferDebit)
export class SettleTransferDebitHandler extends AccountHandler implements ICommandHandler<SettleTransferDebit> {
  async execute({ accountId, transferId }: SettleTransferDebit): Promise<AccountCommandResult> {
    return resultOf(await this.accounts.update(accountId, (a) => a.settleTransferDebit(transferId)));
  }
}
