import { DomainEvent } from 'nest-event-sourcing';

/** The approval deadline of a large transfer passed before any approval: it can no longer be approved. */
@DomainEvent('bank.transfer-approval-expired')
export class TransferApprovalExpired {
  constructor(readonly transferId: string) {}
}
