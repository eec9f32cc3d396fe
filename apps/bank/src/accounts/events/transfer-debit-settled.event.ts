import { DomainEvent } from 'nest-event-sourcing';

/**
 * The transfer that debited the account reached its target: that debit can no longer
 * come back as a refund, so it stops counting against the account's balance limit.
 */
@DomainEvent('bank.transfer-debit-settled')
export class TransferDebitSettled {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
  ) {}
}
