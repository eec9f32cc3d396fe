import { EventSourcingError } from './event-sourcing-error';

/** An aggregate applied an event class it has no `@Apply` handler for. */
export class MissingEventHandlerError extends EventSourcingError {
  readonly code = 'ES_MISSING_EVENT_HANDLER';

  constructor(
    readonly aggregateType: string,
    readonly eventClass: string,
  ) {
    super(
      `${aggregateType} applied ${eventClass} but has no @Apply(${eventClass}) method. Add one, even if it changes nothing.`,
    );
  }
}
