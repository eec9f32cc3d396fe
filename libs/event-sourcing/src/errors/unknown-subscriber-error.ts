import { EventSourcingError } from './event-sourcing-error';

/** No projection or durable handler of that name is registered in this application. */
export class UnknownSubscriberError extends EventSourcingError {
  readonly code = 'ES_UNKNOWN_SUBSCRIBER';

  constructor(
    readonly subscriber: string,
    known: readonly string[],
  ) {
    super(
      `No subscriber is named "${subscriber}". Known: ${known.length ? known.map((k) => `"${k}"`).join(', ') : 'none'}.`,
    );
  }
}
