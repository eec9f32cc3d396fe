import { EventSourcingError } from './event-sourcing-error';

/**
 * A conditional append failed: an event matching the condition's query was committed
 * after the point the decision was read at (or, without `after`, such an event exists
 * at all). Nothing was written. Read again, decide again and retry; a command handler
 * does that by itself.
 */
export class AppendConditionError extends EventSourcingError {
  readonly code = 'ES_APPEND_CONDITION';

  constructor(
    /** The streams the append was for. */
    readonly streamIds: readonly string[],
    /** The position the decision was read at, when the condition gave one. */
    readonly after: bigint | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `An event matching the append condition was committed ${after === undefined ? 'already' : `after the decision was read (at position ${after})`}, ` +
        `so the append to ${streamIds.map((id) => `"${id}"`).join(', ')} was refused. Nothing was written; read again, decide again and retry.`,
      options,
    );
  }
}
