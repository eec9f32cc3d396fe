import { DomainError } from '@app/event-sourcing';

export class InvalidAmountError extends DomainError {
  constructor(readonly amount: unknown) {
    super('invalid-amount', `Amount ${String(amount)} is not a positive whole number of cents.`);
  }
}
