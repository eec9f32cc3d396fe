import { EventSourcingError } from './event-sourcing-error';

/** No stream of that id was ever written (asked of an operator route or command). */
export class StreamNotFoundError extends EventSourcingError {
  readonly code = 'ES_STREAM_NOT_FOUND';

  constructor(readonly streamId: string) {
    super(`No stream "${streamId}" was ever written. Check the id, or find it with queryEvents.`);
  }
}
