import {
  AggregateNotFoundError,
  AggregateRepository,
  InjectAggregateRepository,
  type Saved,
} from 'nest-event-sourcing';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BankAccount } from '../../accounts/bank-account.aggregate';
import { Transfer } from '../transfer.aggregate';
import { TransferSettings } from '../transfer-settings';
import {
  ApproveTransfer,
  CompleteTransfer,
  ExpireTransferApproval,
  FailTransfer,
  RequestTransfer,
  type TransferCommandResult,
} from './transfer-commands';

function resultOf({ aggregate, version, position }: Saved<Transfer>): TransferCommandResult {
  return { transferId: aggregate.id, version, position: position?.toString() ?? null };
}

@CommandHandler(RequestTransfer)
export class RequestTransferHandler implements ICommandHandler<RequestTransfer> {
  constructor(
    @InjectAggregateRepository(Transfer) private readonly transfers: AggregateRepository<Transfer>,
    @InjectAggregateRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>,
    private readonly settings: TransferSettings,
  ) {}

  async execute({ transferId, fromAccountId, toAccountId, amount }: RequestTransfer): Promise<TransferCommandResult> {
    for (const id of [fromAccountId, toAccountId]) {
      if (!(await this.accounts.exists(id))) throw new AggregateNotFoundError('BankAccount', id);
    }
    const needsApproval = amount >= this.settings.approvalLimit;
    return resultOf(
      await this.transfers.create(transferId, (t) => t.request(fromAccountId, toAccountId, amount, needsApproval)),
    );
  }
}

// Each command on an existing transfer is load, decide, save (`update`); a conflict
// with a concurrent one (an approval racing its deadline) runs the handler again.

/** The repository every transfer handler uses. */
abstract class TransferHandler {
  constructor(@InjectAggregateRepository(Transfer) protected readonly transfers: AggregateRepository<Transfer>) {}
}

@CommandHandler(ApproveTransfer)
export class ApproveTransferHandler extends TransferHandler implements ICommandHandler<ApproveTransfer> {
  async execute({ transferId, expectedVersion }: ApproveTransfer): Promise<TransferCommandResult> {
    return resultOf(await this.transfers.update(transferId, (t) => t.approve(), { expectedVersion }));
  }
}

@CommandHandler(ExpireTransferApproval)
export class ExpireTransferApprovalHandler extends TransferHandler implements ICommandHandler<ExpireTransferApproval> {
  async execute({ transferId }: ExpireTransferApproval): Promise<TransferCommandResult> {
    return resultOf(await this.transfers.update(transferId, (t) => t.expireApproval()));
  }
}

@CommandHandler(CompleteTransfer)
export class CompleteTransferHandler extends TransferHandler implements ICommandHandler<CompleteTransfer> {
  async execute({ transferId }: CompleteTransfer): Promise<TransferCommandResult> {
    return resultOf(await this.transfers.update(transferId, (t) => t.complete()));
  }
}

@CommandHandler(FailTransfer)
export class FailTransferHandler extends TransferHandler implements ICommandHandler<FailTransfer> {
  async execute({ transferId, reason }: FailTransfer): Promise<TransferCommandResult> {
    return resultOf(await this.transfers.update(transferId, (t) => t.fail(reason)));
  }
}
