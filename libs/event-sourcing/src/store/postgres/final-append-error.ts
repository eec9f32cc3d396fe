import { ConcurrencyError } from '../../errors/concurrency-error';
import type { PreparedAppend } from '../prepared-append';
import { AppendRaceError } from './append-outcome';
import { transactionConflictOf } from './postgres-transaction';

/**
 * What an append that will not be tried again throws: a lost race as the
 * ConcurrencyError it amounts to, a deadlock or serialization failure as a
 * TransactionConflictError, anything else as it is. `versionNow` reads the stream's
 * version on the append's own connection: asking the pool for another while holding this
 * one could wait forever with every connection held by such appends. @internal
 */
export async function finalAppendError(
  error: unknown,
  prepared: PreparedAppend,
  versionNow: () => Promise<number>,
): Promise<unknown> {
  if (!(error instanceof AppendRaceError)) return transactionConflictOf(error) ?? error;
  return new ConcurrencyError(prepared.streamId, prepared.expectedVersion, await versionNow());
}
