/** The fields of a PostgreSQL error that the store looks at. @internal */
export interface PgErrorFields {
  code?: string;
  detail?: string;
  constraint?: string;
}

/** The `pg` error inside a TypeORM `QueryFailedError`, or the error itself. @internal */
export function pgErrorOf(error: unknown): PgErrorFields | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const driverError = (error as { driverError?: unknown }).driverError;
  const candidate = (typeof driverError === 'object' && driverError !== null ? driverError : error) as PgErrorFields;
  return typeof candidate.code === 'string' ? candidate : undefined;
}

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
  const code = pgErrorOf(error)?.code;
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code);
}
