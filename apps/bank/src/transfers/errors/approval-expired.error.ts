import { DomainError } from 'nest-event-sourcing';

/** An approval that came after the transfer's approval deadline had been decided. */
export class ApprovalExpiredError extends DomainError {
  constructor(readonly transferId: string) {
    super(
      'approval-expired',
      `Transfer ${transferId} can no longer be approved: its approval deadline passed first, and it is refunded.`,
    );
  }
}
