import { EventSourcingError } from './event-sourcing-error';

/**
 * An event id in the append is already stored, but not as an exact retry of this
 * append (same stream, same versions). Nothing was written.
 */
export class DuplicateEventIdError extends EventSourcingError {
  readonly code = 'ES_DUPLICATE_EVENT_ID';

  constructor(
    readonly streamId: string,
    readonly eventId: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Event id ${eventId} is already stored and this append to "${streamId}" is not an exact retry of it. ` +
        'Nothing was written; give each new event a fresh id.',
      options,
    );
  }
}
