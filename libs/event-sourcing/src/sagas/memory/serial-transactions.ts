import { AsyncLocalStorage } from 'node:async_hooks';

/** A transaction of the in-memory saga store: what to undo, newest last, if it fails. @internal */
export class MemorySagaTransaction {
  readonly undo: (() => void)[] = [];
}

/**
 * Transactions over process memory, one at a time: each runs alone, and is undone change
 * by change (its `undo` steps, newest first) when it throws. Work outside a transaction
 * waits for the one in progress, so it never sees half of one, except from inside it
 * (which runs at once, in that transaction). @internal
 */
export class SerialTransactions {
  private readonly inside = new AsyncLocalStorage<MemorySagaTransaction>();
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs `work` in a transaction of its own, or in the current one when called from inside it. */
  transaction<T>(work: (tx: MemorySagaTransaction) => Promise<T>): Promise<T> {
    const outer = this.inside.getStore();
    if (outer) return work(outer);
    return this.serially(() => {
      const tx = new MemorySagaTransaction();
      return this.inside.run(tx, async () => {
        try {
          return await work(tx);
        } catch (error) {
          for (const undo of tx.undo.reverse()) undo();
          throw error;
        }
      });
    });
  }

  /** Runs `work`, which changes nothing that must be undone, between transactions. */
  outside<T>(work: () => T): Promise<T> {
    if (this.inside.getStore()) return Promise.resolve(work());
    return this.serially(async () => work());
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
