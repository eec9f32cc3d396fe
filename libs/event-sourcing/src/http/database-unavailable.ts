import { pgErrorOf } from '../errors/pg-error-fields';

// Socket errors of a server that is down, restarting or unreachable.
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLSTATEs of a server that refuses or drops connections: admin_shutdown (a restart
// terminates every session), crash_shutdown, cannot_connect_now (starting up or shutting
// down), too_many_connections.
const SERVER_GONE: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '53300']);

// `pg` reports a lost connection with messages only, no code.
const LOST_CONNECTION =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed)/;

/**
 * Whether an error means the database cannot be reached now (down, restarting, refusing
 * connections), so the request may succeed later: the HTTP layer answers 503. It looks at
 * the error, its TypeORM `driverError` and its `cause`. @internal
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    const sqlState = pgErrorOf(current)?.code;
    if (sqlState !== undefined) {
      // Class 08 is "connection exception"; 55000 is also what a database that does not
      // accept connections (ALLOW_CONNECTIONS false) answers at connect time.
      if (sqlState.startsWith('08') || SERVER_GONE.has(sqlState)) return true;
      if (sqlState === '55000' && /not currently accepting connections/.test(String(messageOf(current)))) return true;
    }
    if (LOST_CONNECTION.test(String(messageOf(current)))) return true;
    const driverError = (current as { driverError?: unknown }).driverError;
    current = driverError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

function messageOf(error: object): unknown {
  return (error as { message?: unknown }).message;
}
