import { EventSourcingError } from './event-sourcing-error';

/**
 * A tag given to an event is malformed: not a `key:value` string, longer than the
 * limit, holding text PostgreSQL cannot store, or one tag too many. Nothing was written.
 */
export class InvalidTagError extends EventSourcingError {
  readonly code = 'ES_INVALID_TAG';

  constructor(
    /** Index of the offending event in the appended batch. */
    readonly index: number,
    /** The tag, or the tags when there are too many. */
    readonly tag: unknown,
    readonly reason: string,
  ) {
    super(`Event #${index} cannot be appended: tag ${preview(tag)} ${reason}. Nothing was written.`);
  }
}

function preview(tag: unknown): string {
  const text = typeof tag === 'string' ? JSON.stringify(tag) : Array.isArray(tag) ? `list` : String(tag);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
