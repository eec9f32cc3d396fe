import { EventSourcingModule } from '@app/event-sourcing';
import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller';
import { BankAccount } from './bank-account.aggregate';
import { CloseAccountHandler, DepositMoneyHandler, WithdrawMoneyHandler } from './commands/account-operation.handler';
import { OpenAccountHandler } from './commands/open-account.handler';
import { MoneyDepositedV1Upcaster } from './upcasters/money-deposited-v1.upcaster';

@Module({
  imports: [EventSourcingModule.forFeature({ aggregates: [BankAccount], upcasters: [MoneyDepositedV1Upcaster] })],
  controllers: [AccountsController],
  providers: [OpenAccountHandler, DepositMoneyHandler, WithdrawMoneyHandler, CloseAccountHandler],
})
export class AccountsModule {}
