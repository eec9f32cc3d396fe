import { EventSourcingError } from './event-sourcing-error';

/**
 * An inbound integration message that cannot be handled as it is: its body is not JSON,
 * holds a number a JavaScript number cannot hold as written, or fails the handler's
 * class-validator rules. It is retried a few times, then parked with this error.
 */
export class InvalidIntegrationMessageError extends EventSourcingError {
  readonly code = 'ES_INVALID_INTEGRATION_MESSAGE';

  constructor(
    readonly messageId: string,
    readonly problems: string[],
  ) {
    super(`Message ${messageId} is invalid: ${problems.join('; ')}. Fix the sender, then retry or dismiss it.`);
  }
}
