import { EventSourcingError } from './event-sourcing-error';

/**
 * A transaction conflicted with a concurrent one and was rolled back: it was chosen as
 * the victim of a deadlock (two transactions each waiting for a stream or an event id
 * the other holds) or of a serialization failure. Nothing of it was written, and its
 * locks are released; running the same work again is safe and will usually succeed.
 *
 * Once a transaction has failed this way, every later call through it throws this error
 * again, and the transaction rejects with it even when its work caught the first one.
 * `cause` holds what the database reported, when it was the database.
 */
export class TransactionConflictError extends EventSourcingError {
  readonly code = 'ES_TRANSACTION_CONFLICT';

  constructor(options?: { cause?: unknown }) {
    super(
      'The transaction was rolled back because it conflicted with a concurrent transaction (a deadlock or a ' +
        'serialization failure). Nothing of it was written; run it again.',
      options,
    );
  }
}
