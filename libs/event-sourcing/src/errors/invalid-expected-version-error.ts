import { EventSourcingError } from './event-sourcing-error';

/** `expectedVersion` is neither a non-negative integer nor one of the known keywords. */
export class InvalidExpectedVersionError extends EventSourcingError {
  readonly code = 'ES_INVALID_EXPECTED_VERSION';

  constructor(readonly value: unknown) {
    super(
      `Invalid expectedVersion ${JSON.stringify(value) ?? String(value)}: use a non-negative integer, ` +
        "'any', 'no_stream' or 'stream_exists'. Nothing was written.",
    );
  }
}
