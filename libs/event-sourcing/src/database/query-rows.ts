import type { DataSource, QueryRunner } from 'typeorm';

/**
 * The rows of any statement, in the runner's transaction or on a pooled connection of
 * its own. (TypeORM's plain `query` answers an UPDATE … RETURNING as [rows, count].)
 * @internal
 */
export async function queryRows<T>(
  dataSource: DataSource,
  runner: QueryRunner | undefined,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  if (runner) return (await runner.query(sql, params, true)).records as T[];
  const own = dataSource.createQueryRunner();
  try {
    return (await own.query(sql, params, true)).records as T[];
  } finally {
    await own.release();
  }
}
