import { EventSourcingError } from './event-sourcing-error';

/** A subscriber did not reach the awaited position in time. */
export class WaitTimeoutError extends EventSourcingError {
  readonly code = 'ES_WAIT_TIMEOUT';

  constructor(
    readonly subscriber: string,
    readonly position: bigint,
    readonly timeoutMs: number,
  ) {
    super(
      `"${subscriber}" did not reach position ${position} within ${timeoutMs} ms. It may be behind, parked or held back; see Subscriptions.status().`,
    );
  }
}
