import { EventSourcingModule } from 'nest-event-sourcing';
import { Module } from '@nestjs/common';
import {
  ApproveTransferHandler,
  CompleteTransferHandler,
  ExpireTransferApprovalHandler,
  FailTransferHandler,
  RequestTransferHandler,
} from './commands/transfer-command.handlers';
import { Transfer } from './transfer.aggregate';
import { TransferSaga } from './transfer.saga';
import { TransferSettings } from './transfer-settings';
import { TransfersController } from './transfers.controller';
import { BankAccount } from '../accounts/bank-account.aggregate';

@Module({
  imports: [EventSourcingModule.forFeature({ aggregates: [Transfer, BankAccount] })],
  controllers: [TransfersController],
  providers: [
    // The saga injects TransferSettings, so it is a provider here, where that lives.
    TransferSaga,
    TransferSettings,
    RequestTransferHandler,
    ApproveTransferHandler,
    CompleteTransferHandler,
    ExpireTransferApprovalHandler,
    FailTransferHandler,
  ],
})
export class TransfersModule {}
