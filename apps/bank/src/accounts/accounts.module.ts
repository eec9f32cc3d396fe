import { EventSourcingModule } from 'nest-event-sourcing';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ForgetAccountHolderHandler } from './commands/forget-account-holder.command';
import { AccountsController } from './accounts.controller';
import { BankAccount } from './bank-account.aggregate';
import {
  CloseAccountHandler,
  CreditForTransferHandler,
  DebitForTransferHandler,
  DepositMoneyHandler,
  RefundTransferHandler,
  SettleTransferDebitHandler,
  WithdrawMoneyHandler,
} from './commands/account-operation.handler';
import { OpenAccountHandler } from './commands/open-account.handler';
import { MoneyDepositedV1Upcaster } from './upcasters/money-deposited-v1.upcaster';
import { AccountTransaction } from './projections/account-transaction.entity';
import { AccountView } from './projections/account-view.entity';
import { AccountsProjection } from './projections/accounts.projection';
import { AccountQueriesController } from './queries/account-queries.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([AccountView, AccountTransaction]),
    EventSourcingModule.forFeature({
      aggregates: [BankAccount],
      upcasters: [MoneyDepositedV1Upcaster],
      projections: [AccountsProjection],
    }),
  ],
  controllers: [AccountsController, AccountQueriesController],
  providers: [
    OpenAccountHandler,
    ForgetAccountHolderHandler,
    DepositMoneyHandler,
    WithdrawMoneyHandler,
    CloseAccountHandler,
    DebitForTransferHandler,
    CreditForTransferHandler,
    RefundTransferHandler,
    SettleTransferDebitHandler,
  ],
})
export class AccountsModule {}
