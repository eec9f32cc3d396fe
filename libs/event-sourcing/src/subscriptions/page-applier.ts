import type { EventEnvelope } from '../events/event-envelope';
import type { GlobalCursor } from '../store/event-store';

/** How far a batch got: the cursor it committed to, and the event that failed, if one did. @internal */
export interface BatchOutcome {
  cursor: GlobalCursor;
  failed?: { event: EventEnvelope; error: unknown };
}

/**
 * Hands pages of events to one subscriber and moves its checkpoint with them: the
 * PostgreSQL `BatchApplier`, or the in-memory one. @internal
 */
export interface PageApplier {
  apply(from: GlobalCursor, events: EventEnvelope[], replaying: boolean, attempt: number): Promise<BatchOutcome>;
  /** Records the event as parked, and skips it or stops at it, per the subscriber's `onFailure`. */
  park(cursor: GlobalCursor, event: EventEnvelope, error: unknown, attempts: number): Promise<void>;
}

/** What is logged when a subscriber parks an event. @internal */
export function parkedMessage(
  name: string,
  event: EventEnvelope,
  attempts: number,
  skip: boolean,
  error: string,
): string {
  return `${name}: parked ${event.type} ${event.eventId} (${event.streamId}@${event.version}) after ${attempts} tries${skip ? ' and skipped it' : '; stopped until it is retried or dismissed'}: ${error}`;
}
