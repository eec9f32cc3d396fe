import { DomainEvent } from '@app/event-sourcing';

@DomainEvent('bank.transfer-failed')
export class TransferFailed {
  constructor(
    readonly transferId: string,
    readonly reason: string,
  ) {}
}
