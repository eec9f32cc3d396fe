import { pgErrorOf, sqlStateOf, type PgErrorFields } from './pg-error-fields';

/**
 * The message of anything thrown, for logs and stored error columns. A PostgreSQL
 * error (one with a SQLSTATE, or a TypeORM `QueryFailedError` around one) is described
 * by its SQLSTATE and the names PostgreSQL gives (constraint, table, column, routine),
 * never by its message or detail: those quote the values of the statement
 * (`invalid input syntax for type uuid: "…"`, `Key (email)=(…) already exists`), which
 * can hold personal data and secrets.
 * @internal
 */
export function errorMessage(error: unknown): string {
  const database = databaseErrorOf(error);
  if (database) return describeDatabaseError(database);
  return error instanceof Error ? error.message : String(error);
}

/**
 * The stack of an error for a log line, its first line (the message) replaced by
 * {@link errorMessage} for a PostgreSQL error. @internal
 */
export function errorStack(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const database = databaseErrorOf(error);
  if (!database || !error.stack) return error.stack;
  const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return [`${error.name}: ${describeDatabaseError(database)}`, ...frames].join('\n');
}

/** A PostgreSQL error (one with a SQLSTATE), read through a TypeORM wrapper. */
function databaseErrorOf(error: unknown): (PgErrorFields & { code: string }) | undefined {
  return sqlStateOf(error) === undefined ? undefined : (pgErrorOf(error) as PgErrorFields & { code: string });
}

function describeDatabaseError({ code, constraint, table, column, routine }: PgErrorFields & { code: string }): string {
  const names = [
    constraint && `constraint ${constraint}`,
    table && `table ${table}${column ? `.${column}` : ''}`,
    routine && `routine ${routine}`,
  ].filter(Boolean);
  return `PostgreSQL error SQLSTATE ${code}${names.length ? ` (${names.join(', ')})` : ''}`;
}
