import type { DataSource } from 'typeorm';
import { TransactionConflictError } from '../../errors/transaction-conflict-error';
import type { AppendResult } from '../event-store';
import { prepareAppend } from '../prepared-append';
import { runTransaction, transactionConflictOf, type TransactionStore } from './postgres-transaction';

/** A `pg` error as the driver throws it, with its SQLSTATE. */
function pgError(code: string): Error {
  return Object.assign(new Error(`SQLSTATE ${code}`), { code });
}

/** A query runner that records what it is asked, over no database. */
class FakeRunner {
  readonly log: string[] = [];
  isTransactionActive = false;
  commitError: Error | undefined;
  readonly manager = {};
  async connect(): Promise<object> {
    return {};
  }
  async startTransaction(): Promise<void> {
    this.isTransactionActive = true;
    this.log.push('BEGIN');
  }
  async commitTransaction(): Promise<void> {
    if (this.commitError) throw this.commitError;
    this.isTransactionActive = false;
    this.log.push('COMMIT');
  }
  async rollbackTransaction(): Promise<void> {
    this.isTransactionActive = false;
    this.log.push('ROLLBACK');
  }
  async release(): Promise<void> {
    this.log.push('release');
  }
}

const written: AppendResult = { streamVersion: 1, position: 1n, written: true };
const prepared = prepareAppend('s-1', [{ type: 't', data: null }], undefined, 1024);

function fakeStore(append: () => Promise<AppendResult>) {
  const runner = new FakeRunner();
  const dataSource = { createQueryRunner: () => runner } as unknown as DataSource;
  const appends = jest.fn(append);
  const reads = jest.fn(async () => []);
  const store: TransactionStore = { dataSource, hooks: {}, append: appends, guard: async () => {}, readStream: reads };
  return { store, runner, appends, reads };
}

describe('runTransaction', () => {
  it.each([
    ['a deadlock', pgError('40P01')],
    ['a serialization failure', pgError('40001')],
    [
      'a deadlock reported through TypeORM (an inline projection)',
      Object.assign(new Error('query failed'), { driverError: pgError('40P01') }),
    ],
  ])(
    'turns %s into TransactionConflictError, rolls back at once and refuses every later call',
    async (_title, cause) => {
      const { store, runner, appends, reads } = fakeStore(() => Promise.reject(cause));
      const seen: unknown[] = [];
      const outcome = runTransaction(store, async (scope) => {
        seen.push(await scope.append(prepared).catch((e: unknown) => e));
        seen.push([...runner.log]);
        seen.push(await scope.append(prepared).catch((e: unknown) => e));
        seen.push(await scope.readStream('s-1').catch((e: unknown) => e));
        return 'caught it';
      });
      const error = await outcome.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransactionConflictError);
      expect(error).toMatchObject({ code: 'ES_TRANSACTION_CONFLICT', cause });
      const [first, logThen, second, read] = seen;
      expect(first).toBeInstanceOf(TransactionConflictError);
      expect((first as Error).cause).toBe(cause);
      expect(logThen).toEqual(['BEGIN', 'ROLLBACK']);
      expect(second).toBeInstanceOf(TransactionConflictError);
      expect(read).toBeInstanceOf(TransactionConflictError);
      expect(appends).toHaveBeenCalledTimes(1);
      expect(reads).not.toHaveBeenCalled();
      expect(runner.log).toEqual(['BEGIN', 'ROLLBACK', 'release']);
    },
  );

  it('reports a serialization failure at commit as TransactionConflictError', async () => {
    const { store, runner } = fakeStore(async () => written);
    const cause = pgError('40001');
    runner.commitError = cause;
    await expect(runTransaction(store, (scope) => scope.append(prepared))).rejects.toMatchObject({
      code: 'ES_TRANSACTION_CONFLICT',
      cause,
    });
    expect(runner.log).toEqual(['BEGIN', 'ROLLBACK', 'release']);
  });

  it('passes other errors on as they are and keeps the transaction usable', async () => {
    const duplicate = pgError('23505');
    let calls = 0;
    const { store, runner } = fakeStore(async () => {
      if (++calls === 1) throw duplicate;
      return written;
    });
    const result = await runTransaction(store, async (scope) => {
      await expect(scope.append(prepared)).rejects.toBe(duplicate);
      return scope.append(prepared);
    });
    expect(result).toBe(written);
    expect(runner.log).toEqual(['BEGIN', 'COMMIT', 'release']);
  });

  it('rolls back only once no other call of the work is using the connection', async () => {
    let finish!: (result: AppendResult) => void;
    const slow = new Promise<AppendResult>((resolve) => (finish = resolve));
    let calls = 0;
    const { store, runner } = fakeStore(() => (++calls === 1 ? slow : Promise.reject(pgError('40P01'))));
    const outcome = runTransaction(store, async (scope) => {
      const first = scope.append(prepared);
      await expect(scope.append(prepared)).rejects.toBeInstanceOf(TransactionConflictError);
      expect(runner.log).toEqual(['BEGIN']);
      finish(written);
      await first;
      expect(runner.log).toEqual(['BEGIN', 'ROLLBACK']);
    });
    await expect(outcome).rejects.toBeInstanceOf(TransactionConflictError);
  });
});

describe('transactionConflictOf', () => {
  it('recognises deadlocks and serialization failures only', () => {
    expect(transactionConflictOf(pgError('40P01'))).toBeInstanceOf(TransactionConflictError);
    expect(transactionConflictOf(pgError('23505'))).toBeUndefined();
    expect(transactionConflictOf(new Error('deadlock detected'))).toBeUndefined();
    const conflict = new TransactionConflictError();
    expect(transactionConflictOf(conflict)).toBe(conflict);
  });
});
