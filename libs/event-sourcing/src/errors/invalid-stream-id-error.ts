import { EventSourcingError } from './event-sourcing-error';

/** A stream id is empty, too long or not a string. Nothing was written. */
export class InvalidStreamIdError extends EventSourcingError {
  readonly code = 'ES_INVALID_STREAM_ID';

  constructor(
    readonly streamId: unknown,
    readonly reason: string,
  ) {
    super(`Invalid stream id ${preview(streamId)}: ${reason}.`);
  }
}

function preview(value: unknown): string {
  if (typeof value !== 'string') return `(${typeof value})`;
  return value.length > 40 ? `"${value.slice(0, 40)}…" (${value.length} characters)` : `"${value}"`;
}
