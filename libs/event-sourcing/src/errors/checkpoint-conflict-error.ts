import { EventSourcingError } from './event-sourcing-error';

/**
 * A subscriber's checkpoint was not where its batch started: another instance (or a
 * rebuild) moved it. The batch was rolled back; the subscriber reloads and goes on.
 */
export class CheckpointConflictError extends EventSourcingError {
  readonly code = 'ES_CHECKPOINT_CONFLICT';

  constructor(readonly subscriber: string) {
    super(
      `The checkpoint of "${subscriber}" moved while a batch was being applied; the batch was rolled back and will be read again.`,
    );
  }
}
