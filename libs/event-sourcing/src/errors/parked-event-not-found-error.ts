import { EventSourcingError } from './event-sourcing-error';

/** The subscriber has no parked event with that id (retried or dismissed already?). */
export class ParkedEventNotFoundError extends EventSourcingError {
  readonly code = 'ES_PARKED_EVENT_NOT_FOUND';

  constructor(
    readonly subscriber: string,
    readonly eventId: string,
  ) {
    super(`"${subscriber}" has no parked event ${eventId}. List them with Subscriptions.parked().`);
  }
}
