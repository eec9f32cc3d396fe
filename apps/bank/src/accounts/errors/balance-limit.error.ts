import { DomainError } from 'nest-event-sourcing';
import { MAX_BALANCE } from '../money';

/** A deposit or a transfer's credit would take the account past {@link MAX_BALANCE}. */
export class BalanceLimitError extends DomainError {
  constructor(
    readonly accountId: string,
    /** The balance, plus the debits of transfers still in flight that may come back. */
    readonly committed: number,
    readonly amount: number,
  ) {
    super(
      'balance-limit',
      `Account ${accountId} holds ${committed} (transfers in flight included); ${amount} more would pass the limit of ${MAX_BALANCE} cents.`,
    );
  }
}
