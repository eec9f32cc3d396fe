import type { PoolClient } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { TransactionConflictError } from '../../errors/transaction-conflict-error';
import type { EventEnvelope } from '../../events/event-envelope';
import type { AppendResult, ReadStreamOptions } from '../event-store';
import type { PreparedAppend } from '../prepared-append';
import type { PreparedCondition } from '../decision-query';
import type { StoreHooks } from '../store-hooks';
import { isRetryableWriteError } from '../../database/postgres-errors';

/** What a transaction's work may do: append prepared events, read streams. @internal */
export interface TransactionScope {
  append(prepared: PreparedAppend): Promise<AppendResult>;
  /** Runs `es_append_guard` alone: the condition's and the events' locks, then the check. */
  guard(condition: PreparedCondition | undefined, appends: readonly PreparedAppend[]): Promise<void>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<EventEnvelope[]>;
  /** The transaction's connection and entity manager, for the store's own statements (a forget's). */
  client: PoolClient;
  manager: EntityManager;
  /** Runs `work` on the transaction's connection (the store's own statements, a hard delete's). */
  run<R>(work: (client: PoolClient) => Promise<R>): Promise<R>;
}

/** What {@link runTransaction} needs of the store. @internal */
export interface TransactionStore {
  dataSource: DataSource;
  hooks: StoreHooks;
  /** One append on the transaction's connection, without its inline projections. */
  append(client: PoolClient, prepared: PreparedAppend): Promise<AppendResult>;
  guard(
    client: PoolClient,
    condition: PreparedCondition | undefined,
    appends: readonly PreparedAppend[],
  ): Promise<void>;
  readStream(client: PoolClient, streamId: string, options?: ReadStreamOptions): Promise<EventEnvelope[]>;
}

/**
 * The error for a transaction that lost to a concurrent one (a deadlock or a
 * serialization failure: PostgreSQL rolled its statement back), else undefined. @internal
 */
export function transactionConflictOf(error: unknown): TransactionConflictError | undefined {
  if (error instanceof TransactionConflictError) return error;
  return isRetryableWriteError(error) ? new TransactionConflictError({ cause: error }) : undefined;
}

/**
 * Runs `work` in one transaction on one connection: committed when it resolves, rolled
 * back when it throws. At its first deadlock or serialization failure the transaction is
 * rolled back at once (so that the transaction that won goes on), every later call
 * through it fails, and it rejects with {@link TransactionConflictError} even if `work`
 * caught the first one. @internal
 */
export async function runTransaction<T>(
  store: TransactionStore,
  work: (scope: TransactionScope) => Promise<T>,
): Promise<T> {
  const runner = store.dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  let conflict: TransactionConflictError | undefined;
  let inFlight = 0;
  /** Runs one call of `work`; the first conflict dooms the transaction. */
  const step = async <R>(call: () => Promise<R>): Promise<R> => {
    if (conflict) throw new TransactionConflictError({ cause: conflict.cause });
    inFlight++;
    try {
      return await call();
    } catch (error) {
      const lost = transactionConflictOf(error);
      if (!lost) throw error;
      conflict ??= lost;
      throw lost;
    } finally {
      // Not while another call of `work` uses the connection: its statements would run outside the transaction.
      if (--inFlight === 0 && conflict && runner.isTransactionActive) {
        await runner.rollbackTransaction().catch(() => undefined);
      }
    }
  };
  try {
    await runner.startTransaction();
    const written = new Set<string>();
    const result = await work({
      append: (prepared) =>
        step(async () => {
          const appended = await appendWithInline(store, runner, client, prepared);
          // Its statement found the permissions it requires held (see `AppendRequirementsHook`).
          if (prepared.required) store.hooks.requirements?.passed(prepared.required);
          if (appended.written) for (const event of prepared.events) written.add(event.type);
          return appended;
        }),
      guard: (condition, appends) => step(() => store.guard(client, condition, appends)),
      readStream: (streamId, options) => step(() => store.readStream(client, streamId, options)),
      client,
      manager: runner.manager,
      run: (call) => step(() => call(client)),
    });
    if (conflict) throw new TransactionConflictError({ cause: conflict.cause });
    try {
      await runner.commitTransaction();
    } catch (error) {
      throw transactionConflictOf(error) ?? error;
    }
    if (written.size > 0) store.hooks.committed?.(written);
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}

/** An append inside a transaction, with the inline projections its event types need. */
async function appendWithInline(
  store: TransactionStore,
  runner: QueryRunner,
  client: PoolClient,
  prepared: PreparedAppend,
): Promise<AppendResult> {
  const inline = store.hooks.inline;
  if (!inline?.wants(prepared.events.map((e) => e.type))) return store.append(client, prepared);
  // The events and their inline projections stand or fall together, even when the
  // caller catches the error and goes on with the transaction.
  await client.query('SAVEPOINT es_inline');
  try {
    const appended = await store.append(client, prepared);
    if (appended.written) {
      const { streamVersion } = appended;
      const stored = await store.readStream(client, prepared.streamId, {
        fromVersion: streamVersion - prepared.events.length + 1,
        toVersion: streamVersion,
      });
      await inline.apply(stored, runner.manager);
    }
    await client.query('RELEASE SAVEPOINT es_inline');
    return appended;
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT es_inline').catch(() => undefined);
    throw error;
  }
}
