/**
 * The fields of a PostgreSQL error that the library reads: the SQLSTATE (or, for a
 * connection that failed, Node's error code) and the names PostgreSQL gives. Of these,
 * only `detail` can quote a value of the statement. @internal
 */
export interface PgErrorFields {
  code?: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
}

/** The `pg` error inside a TypeORM `QueryFailedError`, or the error itself, when it has a code. @internal */
export function pgErrorOf(error: unknown): PgErrorFields | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const driverError = (error as { driverError?: unknown }).driverError;
  const candidate = (typeof driverError === 'object' && driverError !== null ? driverError : error) as PgErrorFields;
  return typeof candidate.code === 'string' ? candidate : undefined;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The error's SQLSTATE when PostgreSQL answered with an SQL error (not a connection failure). @internal */
export function sqlStateOf(error: unknown): string | undefined {
  const code = pgErrorOf(error)?.code;
  return code !== undefined && SQLSTATE.test(code) ? code : undefined;
}
