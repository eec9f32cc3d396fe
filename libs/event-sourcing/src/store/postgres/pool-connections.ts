import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { EventSourcingError } from '../../errors/event-sourcing-error';
import { AppendRaceError } from './append-outcome';
import { isConnectionError, isSqlError } from '../../database/postgres-errors';

/**
 * Connections of TypeORM's pool, checked out one per call. Also tells the store when the
 * database behind them may have changed: a connection broke, or one it has not seen
 * before came (the pool replaces broken ones; growing costs a false alarm). @internal
 */
export class PoolConnections {
  /** Server process ids of the connections used so far. */
  private readonly seen = new Set<number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly onNewOrBroken: () => void,
  ) {}

  /**
   * Runs `work` on one connection. An SQL error (a unique violation, say) hands the
   * connection back for reuse; only a broken connection is discarded, unlike `pg`'s
   * `Pool.query`, which discards it on any error.
   */
  async use<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const driver = this.dataSource.driver as PostgresDriver;
    const [client, release] = (await driver.obtainMasterConnection()) as [PoolClient, (error?: unknown) => void];
    this.note(client);
    let broken: unknown;
    // A connection cut while checked out emits 'error'; with no listener that would crash the process.
    const onError = (error: unknown): void => {
      broken ??= error;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } catch (error) {
      // A SQLSTATE can also say the connection is gone (57P01 when an operator or a
      // restart terminates the backend): such a connection must not go back to the pool.
      const answered =
        !isConnectionError(error) &&
        (error instanceof EventSourcingError || error instanceof AppendRaceError || isSqlError(error));
      if (!answered) broken ??= error;
      throw error;
    } finally {
      client.off('error', onError);
      release(broken);
      if (broken !== undefined) this.onNewOrBroken();
    }
  }

  private note(client: PoolClient): void {
    const pid = (client as { processID?: number }).processID;
    if (pid === undefined || this.seen.has(pid)) return;
    if (this.seen.size >= 1_000) this.seen.clear();
    this.seen.add(pid);
    this.onNewOrBroken();
  }
}
