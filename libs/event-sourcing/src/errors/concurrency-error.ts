import type { ExpectedVersion } from '../store/expected-version';
import { EventSourcingError } from './event-sourcing-error';

/**
 * An append's expected version did not match the stream. Nothing was written.
 * Reload the stream (or aggregate), decide again and retry.
 */
export class ConcurrencyError extends EventSourcingError {
  readonly code = 'ES_CONCURRENCY';

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The stream's version when the append was tried; 0 when it did not exist. */
    readonly actual: number,
    /**
     * False when running the command again cannot help: the expected version came from
     * the caller (an HTTP If-Match), not from a load.
     */
    readonly retryable = true,
  ) {
    super(
      `Stream "${streamId}" is at version ${actual}, expected ${describe(expected)}. Nothing was written; reload and retry.`,
    );
  }
}

function describe(expected: ExpectedVersion): string {
  switch (expected) {
    case 'no_stream':
      return 'no stream (version 0)';
    case 'stream_exists':
      return 'an existing stream';
    default:
      return String(expected);
  }
}
