import type { EventEnvelope } from '../../events/event-envelope';
import { checkCondition } from './in-memory-conditions';
import type { StreamState, Transaction } from './in-memory-transaction';

/** What the in-memory store holds, as a commit writes it. @internal */
export interface InMemoryContents {
  streams: Map<string, StreamState>;
  byId: Map<string, EventEnvelope>;
  /** Committed events in global position order. */
  log: EventEnvelope[];
}

/**
 * Commits `tx` into `contents`, after checking its conditions again.
 * @throws AppendConditionError; nothing is committed.
 * @internal
 */
export function commitTransaction(contents: InMemoryContents, tx: Transaction): void {
  const { streams, byId, log } = contents;
  // Synchronous from here on: no other transaction commits between the check and the write.
  for (const condition of tx.conditions) checkCondition(log, condition, tx.appended, [...tx.streams.keys()]);
  for (const [streamId, state] of tx.streams) streams.set(streamId, state);
  for (const event of tx.pending) {
    byId.set(event.eventId, event);
    log.push(event);
  }
  log.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}
