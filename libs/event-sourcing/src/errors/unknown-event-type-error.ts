import { EventSourcingError } from './event-sourcing-error';

/**
 * A stored event's type has no `@DomainEvent` class in this application. Either a class
 * was renamed (keep the type name), or the event belongs to another service.
 */
export class UnknownEventTypeError extends EventSourcingError {
  readonly code = 'ES_UNKNOWN_EVENT_TYPE';

  constructor(
    readonly type: string,
    readonly streamId: string,
    readonly version: number,
  ) {
    super(
      `Event type "${type}" at version ${version} of stream "${streamId}" has no @DomainEvent class here. ` +
        'Declare the class (used by an aggregate, or listed in forFeature({ events })), or read with unknown events skipped.',
    );
  }
}
