import { EventSourcingError } from './event-sourcing-error';

/**
 * The store's table of natural keys is missing or does not agree with the streams (a key
 * held by a stream that has no events). Nothing was written, and no answer was guessed.
 */
export class NaturalKeyIndexError extends EventSourcingError {
  readonly code = 'ES_NATURAL_KEY_INDEX';

  constructor(problem: string, options?: { cause?: unknown }) {
    super(
      `The natural-key table ${problem}. Run the store's migrations (eventStoreMigrations) or restore the table from a backup.`,
      options,
    );
  }
}
