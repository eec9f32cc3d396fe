import { EventSourcingError } from './event-sourcing-error';

/** An event's serialised data and metadata exceed the configured `maxEventSize`. */
export class EventTooLargeError extends EventSourcingError {
  readonly code = 'ES_EVENT_TOO_LARGE';

  constructor(
    readonly index: number,
    readonly size: number,
    readonly limit: number,
  ) {
    super(
      `Event #${index} is ${size} bytes as JSON, over the limit of ${limit} bytes (option maxEventSize). ` +
        'Nothing was written; store large payloads elsewhere and reference them.',
    );
  }
}
