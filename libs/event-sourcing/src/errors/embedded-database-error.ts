import { EventSourcingError } from './event-sourcing-error';

/** The embedded PostgreSQL could not be initialised or started. */
export class EmbeddedDatabaseError extends EventSourcingError {
  readonly code = 'ES_EMBEDDED_DATABASE';

  constructor(
    readonly dataDir: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Embedded PostgreSQL in ${dataDir}: ${message}`, options);
  }
}
