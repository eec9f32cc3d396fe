import { EventSourcingError } from './event-sourcing-error';

/** A stored event could not be brought to its class's current revision. */
export class UpcastError extends EventSourcingError {
  readonly code = 'ES_UPCAST';

  constructor(
    readonly eventId: string,
    readonly type: string,
    readonly revision: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Event ${eventId} of type "${type}" at revision ${revision} cannot be upcast: ${reason}.`, options);
  }
}
