import { EventSourcingError } from './event-sourcing-error';

/** A CLI command was called wrongly: an unknown option value, a missing argument. The CLI exits with code 2. */
export class CliUsageError extends EventSourcingError {
  readonly code = 'ES_CLI_USAGE';

  constructor(message: string) {
    super(message);
  }
}
