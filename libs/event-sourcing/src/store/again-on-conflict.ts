import { TransactionConflictError } from '../errors/transaction-conflict-error';

/**
 * Runs `work` (a whole transaction) again when it loses a deadlock or a serialization
 * failure, which wrote nothing, up to `attempts` tries. @internal
 */
export async function againOnConflict<T>(work: () => Promise<T>, attempts: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof TransactionConflictError) || attempt >= attempts) throw error;
    }
  }
}
