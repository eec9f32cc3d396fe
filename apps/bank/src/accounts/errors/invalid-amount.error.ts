import { DomainError } from 'nest-event-sourcing';
import { MAX_BALANCE } from '../money';

export class InvalidAmountError extends DomainError {
  constructor(readonly amount: unknown) {
    super('invalid-amount', `Amount ${String(amount)} is not a whole number of cents from 1 to ${MAX_BALANCE}.`);
  }
}
