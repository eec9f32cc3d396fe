import type { EventEnvelope } from '../events/event-envelope';
import type { GlobalCursor } from '../store/event-store';

/** The cursor just after an event. @internal */
export function cursorOf(event: EventEnvelope): GlobalCursor {
  return { transactionId: event.transactionId, position: event.position };
}

/** Orders cursors as `readAll` orders events: by transaction id, then position. @internal */
export function compareCursors(a: GlobalCursor, b: GlobalCursor): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  return a.position === b.position ? 0 : a.position < b.position ? -1 : 1;
}
