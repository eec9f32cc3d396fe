import type { DataSource } from 'typeorm';
import { isConnectionError } from './postgres-errors';

/**
 * Whether an error thrown by a handler or a command means the database is away (wait
 * and try again) rather than a failure of that handler or command. Their own network
 * errors (a mail server refusing, a host not found) look alike, so the database is
 * asked. @internal
 */
export async function isDatabaseAway(dataSource: DataSource, error: unknown): Promise<boolean> {
  if (!isConnectionError(error)) return false;
  try {
    await dataSource.query('SELECT 1');
    return false;
  } catch {
    return true;
  }
}
