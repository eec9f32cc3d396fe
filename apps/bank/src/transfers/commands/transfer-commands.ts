import { Command } from '@nestjs/cqrs';

/** Where a transfer stands after a command. */
export interface TransferCommandResult {
  transferId: string;
  version: number;
  /** Global position of the last event written, as a string; null when nothing was written. */
  position: string | null;
}

/** A customer asks to move money between two accounts. */
export class RequestTransfer extends Command<TransferCommandResult> {
  constructor(
    readonly transferId: string,
    readonly fromAccountId: string,
    readonly toAccountId: string,
    readonly amount: number,
  ) {
    super();
  }
}

/** An operator approves a large transfer that waits for it. */
export class ApproveTransfer extends Command<TransferCommandResult> {
  constructor(
    readonly transferId: string,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

/**
 * The saga: the approval deadline of a large transfer fell due. The transfer decides
 * whether it expires (no approval yet) or not (approved first).
 */
export class ExpireTransferApproval extends Command<TransferCommandResult> {
  constructor(readonly transferId: string) {
    super();
  }
}

/** The saga: the money arrived. */
export class CompleteTransfer extends Command<TransferCommandResult> {
  constructor(readonly transferId: string) {
    super();
  }
}

/** The saga: the transfer cannot go through, and any debit was refunded. */
export class FailTransfer extends Command<TransferCommandResult> {
  constructor(
    readonly transferId: string,
    readonly reason: string,
  ) {
    super();
  }
}
