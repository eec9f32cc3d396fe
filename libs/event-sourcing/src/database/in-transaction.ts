import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs `work` in a transaction on a connection of its own: committed when it resolves,
 * rolled back when it throws; the connection always goes back to the pool. @internal
 */
export async function inTransaction<T>(dataSource: DataSource, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.startTransaction();
    const result = await work(runner);
    await runner.commitTransaction();
    return result;
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
}
