import { checkCondition } from './in-memory-conditions';
import type { InMemoryContents, InMemoryLifecycle } from './in-memory-lifecycle';
import type { Transaction } from './in-memory-transaction';
import type { TransactionLocks } from './transaction-locks';

/**
 * Commits `tx` into `contents`, after checking again what may have changed since its
 * appends: its conditions, tombstones of its streams, its natural keys.
 * @throws AppendConditionError, StreamTombstonedError, NaturalKeyTakenError; nothing is committed.
 * @internal
 */
export function commitTransaction(contents: InMemoryContents, lifecycle: InMemoryLifecycle, tx: Transaction): void {
  const { streams, byId, log } = contents;
  // Synchronous from here on: no other transaction commits between the check and the write.
  for (const condition of tx.conditions) checkCondition(log, condition, tx.appended, [...tx.streams.keys()]);
  for (const streamId of tx.streams.keys()) lifecycle.assertAlive(streamId);
  for (const { streamId, effects } of tx.effects) lifecycle.check(streamId, effects);
  for (const { streamId, effects } of tx.effects) lifecycle.apply(streamId, effects);
  for (const [streamId, state] of tx.streams) streams.set(streamId, state);
  for (const event of tx.pending) {
    byId.set(event.eventId, event);
    log.push(event);
  }
  log.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}

/**
 * Forgets what `tx` wrote unless it committed, and lets the transactions waiting for it
 * go on: the end of every transaction of the in-memory store. @internal
 */
export function endTransaction(
  tx: Transaction,
  open: Set<bigint>,
  pendingIds: Map<string, Transaction>,
  locks: TransactionLocks,
): void {
  open.delete(tx.id);
  for (const event of tx.pending) if (pendingIds.get(event.eventId) === tx) pendingIds.delete(event.eventId);
  locks.end(tx.locks, tx.conflict);
}
