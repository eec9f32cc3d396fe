import { EventSourcingError } from './event-sourcing-error';

/** The module's options are inconsistent or incomplete; thrown at bootstrap. */
export class ConfigurationError extends EventSourcingError {
  readonly code = 'ES_CONFIGURATION';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
