import { DomainEvent } from '@app/event-sourcing';

@DomainEvent('bank.transfer-completed')
export class TransferCompleted {
  constructor(readonly transferId: string) {}
}
