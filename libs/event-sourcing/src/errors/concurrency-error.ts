import { EventSourcingError } from './event-sourcing-error';

/**
 * What an append expects of the stream:
 * - a number: the stream is exactly at that version (0 = it has no events yet);
 * - `'any'`: no check;
 * - `'no_stream'`: the stream has no events yet;
 * - `'stream_exists'`: the stream has at least one event.
 */
export type ExpectedVersion = number | 'any' | 'no_stream' | 'stream_exists';

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
