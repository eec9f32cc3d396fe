import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('bank.transfer-approved')
export class TransferApproved {
  constructor(readonly transferId: string) {}
}
