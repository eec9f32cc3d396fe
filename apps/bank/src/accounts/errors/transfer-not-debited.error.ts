import { DomainError } from 'nest-event-sourcing';

export class TransferNotDebitedError extends DomainError {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
  ) {
    super(
      'transfer-not-debited',
      `Transfer ${transferId} took nothing from account ${accountId}; there is nothing to refund.`,
    );
  }
}
