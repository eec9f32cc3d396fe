import { TransactionConflictError } from '../../errors/transaction-conflict-error';

/** A transaction as the lock table knows it: what it holds and what it waits for. @internal */
export interface LockOwner {
  readonly held: Set<string>;
  readonly waits: Set<Wait>;
  /** Waits of other transactions for this one to end. */
  readonly enders: Set<Wait>;
  ended: boolean;
}

/** One wait of a transaction: for a lock (`key`), or for another transaction to end (`target`). */
interface Wait {
  owner: LockOwner;
  key?: string;
  target?: LockOwner;
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Lock {
  holder: LockOwner;
  /** Waiters in arrival order: each gets the lock after the ones before it. */
  queue: Wait[];
}

/** A new {@link LockOwner} that holds and waits for nothing. @internal */
export function lockOwner(): LockOwner {
  return { held: new Set(), waits: new Set(), enders: new Set(), ended: false };
}

/**
 * Exclusive FIFO locks of in-memory transactions (one per stream, as PostgreSQL's row and
 * index locks make appends to a stream queue up), waits for another transaction to end
 * (for an event id it holds pending, as PostgreSQL's unique index makes a second writer
 * wait), and the wait-for graph over both. A wait that would close a cycle in that graph
 * is refused with {@link TransactionConflictError}: its transaction is the deadlock's
 * victim and must end (`end`), which lets the others go on. PostgreSQL finds the same
 * cycles, after its deadlock_timeout. @internal
 */
export class TransactionLocks {
  private readonly locks = new Map<string, Lock>();

  /**
   * Takes `key` for `owner`: at once (undefined) when it is free or already `owner`'s,
   * else the promise of it, in arrival order.
   * @throws TransactionConflictError when waiting would deadlock.
   */
  acquire(owner: LockOwner, key: string): Promise<void> | undefined {
    const lock = this.locks.get(key);
    if (!lock) {
      this.locks.set(key, { holder: owner, queue: [] });
      owner.held.add(key);
      return undefined;
    }
    if (lock.holder === owner) return undefined;
    // Two appends of one transaction to one stream, at once: the second shares the first's wait.
    const queued = lock.queue.find((w) => w.owner === owner);
    if (queued) return queued.promise;
    return this.wait(owner, { key }, (wait) => lock.queue.push(wait));
  }

  /** Gives `key` up, to the next in its queue. */
  release(owner: LockOwner, key: string): void {
    const lock = this.locks.get(key);
    if (!owner.held.delete(key) || !lock || lock.holder !== owner) return;
    const next = lock.queue.shift();
    if (!next) {
      this.locks.delete(key);
      return;
    }
    lock.holder = next.owner;
    next.owner.waits.delete(next);
    next.owner.held.add(key);
    next.resolve();
  }

  /**
   * Waits until `target` has ended.
   * @throws TransactionConflictError when waiting would deadlock.
   */
  awaitEnd(owner: LockOwner, target: LockOwner): Promise<void> {
    if (target.ended || target === owner) return Promise.resolve();
    return this.wait(owner, { target }, (wait) => target.enders.add(wait));
  }

  /**
   * Ends `owner`: releases what it holds, wakes those waiting for its end, and rejects its
   * own waits, if any are left (a victim's, with `reason`).
   */
  end(owner: LockOwner, reason: unknown = new TransactionConflictError()): void {
    owner.ended = true;
    for (const key of [...owner.held]) this.release(owner, key);
    for (const wait of owner.enders) {
      wait.owner.waits.delete(wait);
      wait.resolve();
    }
    owner.enders.clear();
    for (const wait of [...owner.waits]) {
      this.unqueue(wait);
      wait.reject(reason);
    }
  }

  private wait(owner: LockOwner, what: Pick<Wait, 'key' | 'target'>, enqueue: (wait: Wait) => void): Promise<void> {
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    const wait: Wait = { owner, ...what, promise, resolve, reject };
    enqueue(wait);
    owner.waits.add(wait);
    if (this.closesCycle(wait)) {
      // Refused: undo the wait. The caller ends the transaction, which frees the others.
      this.unqueue(wait);
      reject(new TransactionConflictError());
    }
    return promise;
  }

  /** Takes `wait` out of its lock's queue, or of its target's waiters, and out of its owner's waits. */
  private unqueue(wait: Wait): void {
    wait.owner.waits.delete(wait);
    if (wait.key !== undefined) {
      const lock = this.locks.get(wait.key);
      if (lock) lock.queue = lock.queue.filter((w) => w !== wait);
    }
    wait.target?.enders.delete(wait);
  }

  /** Whether, with `wait` added, its owner waits (through any chain of waits) for itself. */
  private closesCycle(wait: Wait): boolean {
    const seen = new Set<LockOwner>();
    const pending = this.blockersOf(wait);
    while (pending.length > 0) {
      const owner = pending.pop()!;
      if (owner === wait.owner) return true;
      if (seen.has(owner)) continue;
      seen.add(owner);
      for (const next of owner.waits) pending.push(...this.blockersOf(next));
    }
    return false;
  }

  /**
   * Whom `wait` waits for: a lock's holder and everyone queued before it (they get the lock
   * first), or the transaction whose end it awaits. Hand-overs only shrink these sets, so
   * a cycle can only appear when a wait is added, where `closesCycle` looks.
   */
  private blockersOf(wait: Wait): LockOwner[] {
    if (wait.target) return [wait.target];
    const lock = this.locks.get(wait.key!);
    if (!lock) return [];
    const index = lock.queue.indexOf(wait);
    return [lock.holder, ...lock.queue.slice(0, Math.max(0, index)).map((w) => w.owner)];
  }
}
