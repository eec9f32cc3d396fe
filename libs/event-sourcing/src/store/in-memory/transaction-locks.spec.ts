import { TransactionConflictError } from '../../errors/transaction-conflict-error';
import { lockOwner, TransactionLocks } from './transaction-locks';

/** Whether `promise` has settled once the microtasks queued so far have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('TransactionLocks', () => {
  it('grants a free lock at once, again to its holder, and hands it to waiters in arrival order', async () => {
    const locks = new TransactionLocks();
    const [a, b, c] = [lockOwner(), lockOwner(), lockOwner()];
    expect(locks.acquire(a, 's')).toBeUndefined();
    expect(locks.acquire(a, 's')).toBeUndefined();
    const order: string[] = [];
    const bGets = locks.acquire(b, 's')!.then(() => order.push('b'));
    const cGets = locks.acquire(c, 's')!.then(() => order.push('c'));
    expect(await settled(bGets)).toBe(false);
    locks.end(a);
    await bGets;
    expect(await settled(cGets)).toBe(false);
    locks.release(b, 's');
    await cGets;
    expect(order).toEqual(['b', 'c']);
    expect([...c.held]).toEqual(['s']);
  });

  it('refuses the wait that closes a cycle of three, and lets the others go on once its owner ends', async () => {
    const locks = new TransactionLocks();
    const [a, b, c] = [lockOwner(), lockOwner(), lockOwner()];
    expect(locks.acquire(a, 'x')).toBeUndefined();
    expect(locks.acquire(b, 'y')).toBeUndefined();
    expect(locks.acquire(c, 'z')).toBeUndefined();
    const aWaits = locks.acquire(a, 'y')!;
    const bWaits = locks.acquire(b, 'z')!;
    await expect(locks.acquire(c, 'x')).rejects.toBeInstanceOf(TransactionConflictError);
    expect(await settled(bWaits)).toBe(false);
    locks.end(c);
    await bWaits;
    locks.end(b);
    await aWaits;
    expect([...a.held].sort()).toEqual(['x', 'y']);
  });

  it('counts a wait for the end of a transaction, for an event id it holds, in the cycle', async () => {
    const locks = new TransactionLocks();
    const [a, b] = [lockOwner(), lockOwner()];
    expect(locks.acquire(b, 'stream')).toBeUndefined();
    const bWaitsForA = locks.awaitEnd(b, a);
    await expect(locks.acquire(a, 'stream')).rejects.toBeInstanceOf(TransactionConflictError);
    expect(await settled(bWaitsForA)).toBe(false);
    locks.end(a);
    await expect(bWaitsForA).resolves.toBeUndefined();
    await expect(locks.awaitEnd(b, a)).resolves.toBeUndefined();
  });

  it('counts waiting behind an earlier waiter for a lock, which gets it first', async () => {
    const locks = new TransactionLocks();
    const [holder, first, second] = [lockOwner(), lockOwner(), lockOwner()];
    expect(locks.acquire(holder, 's')).toBeUndefined();
    expect(locks.acquire(second, 't')).toBeUndefined();
    const firstRefused = expect(locks.acquire(first, 's')).rejects.toBeInstanceOf(TransactionConflictError);
    const secondWaits = locks.acquire(second, 's')!;
    // `first` gets `s` before `second`, so its wait for `t` (held by `second`) is a deadlock.
    await expect(locks.acquire(first, 't')).rejects.toBeInstanceOf(TransactionConflictError);
    // Its transaction ends (rolled back), which drops its other wait and lets `second` have `s`.
    locks.end(first);
    await firstRefused;
    locks.end(holder);
    await secondWaits;
    expect([...second.held].sort()).toEqual(['s', 't']);
  });

  it('shares one wait between two acquisitions of one lock by one transaction', async () => {
    const locks = new TransactionLocks();
    const [a, b] = [lockOwner(), lockOwner()];
    expect(locks.acquire(a, 's')).toBeUndefined();
    const once = locks.acquire(b, 's');
    const twice = locks.acquire(b, 's');
    expect(twice).toBe(once);
    locks.end(a);
    await Promise.all([once, twice]);
    expect([...b.held]).toEqual(['s']);
  });

  it('rejects the waits left of a transaction that ends, with the reason given', async () => {
    const locks = new TransactionLocks();
    const [a, b] = [lockOwner(), lockOwner()];
    expect(locks.acquire(a, 's')).toBeUndefined();
    const waiting = locks.acquire(b, 's')!;
    const reason = new TransactionConflictError();
    locks.end(b, reason);
    await expect(waiting).rejects.toBe(reason);
    locks.end(a);
    expect(locks.acquire(lockOwner(), 's')).toBeUndefined();
  });
});
