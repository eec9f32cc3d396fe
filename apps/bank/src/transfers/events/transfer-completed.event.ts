import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('bank.transfer-completed')
export class TransferCompleted {
  constructor(readonly transferId: string) {}
}
