import { EventSourcingError } from './event-sourcing-error';

/** The operation does not apply here: rebuilding a side-effecting handler, say. */
export class UnsupportedOperationError extends EventSourcingError {
  readonly code = 'ES_UNSUPPORTED_OPERATION';

  constructor(message: string) {
    super(message);
  }
}
