import { EventSourcingError } from './event-sourcing-error';

/**
 * The stream was hard-deleted: its events are gone and its tombstone keeps the id from
 * being used again, so nothing can be appended to it. Nothing was written.
 */
export class StreamTombstonedError extends EventSourcingError {
  readonly code = 'ES_STREAM_TOMBSTONED';

  constructor(readonly streamId: string) {
    super(`Stream "${streamId}" was hard-deleted and its id may not be used again. Nothing was written; use a new id.`);
  }
}
