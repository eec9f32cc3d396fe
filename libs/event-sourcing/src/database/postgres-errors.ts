import { pgErrorOf, sqlStateOf } from '../errors/pg-error-fields';

/**
 * SQLSTATEs after which PostgreSQL has rolled the statement's transaction back, so the
 * write provably did not happen and may be tried again: serialization failure, deadlock.
 */
const RETRYABLE = new Set(['40001', '40P01']);

/** Whether a failed write is safe to retry. @internal */
export function isRetryableWriteError(error: unknown): boolean {
  const code = pgErrorOf(error)?.code;
  return code !== undefined && RETRYABLE.has(code);
}

/** Whether PostgreSQL answered with an SQL error (a SQLSTATE), so the connection is fine. @internal */
export function isSqlError(error: unknown): boolean {
  return sqlStateOf(error) !== undefined;
}

/** SQLSTATEs of a database that is away: connection exceptions, shutdown, too many clients. */
const OUTAGE_STATES = /^(08...|57P0[1-3]|53300)$/;
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
const OUTAGE_MESSAGE =
  /Connection terminated|connection (is )?(closed|ended)|Client has encountered a connection error|timeout exceeded when trying to connect|Cannot use a pool after calling end|the database system is (starting up|shutting down)/i;

/**
 * Whether an error means the database (or the connection to it) is away, rather than
 * that a statement failed: waiting and trying again is the cure. @internal
 */
export function isConnectionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = pgErrorOf(error)?.code;
  if (code !== undefined && (OUTAGE_STATES.test(code) || OUTAGE_CODES.has(code))) return true;
  const driverError = (error as { driverError?: unknown }).driverError;
  const message = error instanceof Error ? error.message : '';
  const driverMessage = driverError instanceof Error ? driverError.message : '';
  return OUTAGE_MESSAGE.test(message) || OUTAGE_MESSAGE.test(driverMessage);
}
