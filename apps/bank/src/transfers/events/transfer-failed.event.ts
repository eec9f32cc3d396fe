import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('bank.transfer-failed')
export class TransferFailed {
  constructor(
    readonly transferId: string,
    readonly reason: string,
  ) {}
}
