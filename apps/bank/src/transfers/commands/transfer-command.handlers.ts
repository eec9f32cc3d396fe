import {
  AggregateNotFoundError,
  AggregateRepository,
  InjectAggregateRepository,
  type SaveResult,
} from '@app/event-sourcing';
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

function resultOf(transfer: Transfer, saved: SaveResult): TransferCommandResult {
  return { transferId: transfer.id, version: saved.version, position: saved.position?.toString() ?? null };
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
    const transfer = new Transfer(transferId);
    transfer.request(fromAccountId, toAccountId, amount, amount >= this.settings.approvalLimit);
    return resultOf(transfer, await this.transfers.save(transfer));
  }
}

/** Load, decide, save, for the commands on an existing transfer. */
abstract class TransferOperationHandler<C extends { transferId: string; expectedVersion?: number }> {
  constructor(@InjectAggregateRepository(Transfer) private readonly transfers: AggregateRepository<Transfer>) {}

  async execute(command: C): Promise<TransferCommandResult> {
    const transfer = await this.transfers.load(command.transferId, { expectedVersion: command.expectedVersion });
    this.decide(transfer, command);
    return resultOf(transfer, await this.transfers.save(transfer));
  }

  protected abstract decide(transfer: Transfer, command: C): void;
}

@CommandHandler(ApproveTransfer)
export class ApproveTransferHandler
  extends TransferOperationHandler<ApproveTransfer>
  implements ICommandHandler<ApproveTransfer>
{
  protected decide(transfer: Transfer): void {
    transfer.approve();
  }
}

@CommandHandler(ExpireTransferApproval)
export class ExpireTransferApprovalHandler
  extends TransferOperationHandler<ExpireTransferApproval>
  implements ICommandHandler<ExpireTransferApproval>
{
  protected decide(transfer: Transfer): void {
    transfer.expireApproval();
  }
}

@CommandHandler(CompleteTransfer)
export class CompleteTransferHandler
  extends TransferOperationHandler<CompleteTransfer>
  implements ICommandHandler<CompleteTransfer>
{
  protected decide(transfer: Transfer): void {
    transfer.complete();
  }
}

@CommandHandler(FailTransfer)
export class FailTransferHandler
  extends TransferOperationHandler<FailTransfer>
  implements ICommandHandler<FailTransfer>
{
  protected decide(transfer: Transfer, { reason }: FailTransfer): void {
    transfer.fail(reason);
  }
}
