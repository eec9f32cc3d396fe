import { DomainError } from 'nest-event-sourcing';

export class TransferNotAwaitingApprovalError extends DomainError {
  constructor(
    readonly transferId: string,
    why: string,
  ) {
    super('transfer-not-awaiting-approval', `Transfer ${transferId} cannot be approved: ${why}.`);
  }
}
