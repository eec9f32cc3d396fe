import { EventSourcingError } from './event-sourcing-error';

/**
 * An event given to append is malformed: a missing type, a bad revision or id, or
 * data/metadata that cannot be stored as JSON. Nothing was written.
 */
export class InvalidEventError extends EventSourcingError {
  readonly code = 'ES_INVALID_EVENT';

  constructor(
    /** Index of the offending event in the appended batch. */
    readonly index: number,
    readonly reason: string,
  ) {
    super(`Event #${index} cannot be appended: ${reason}. Nothing was written.`);
  }
}
