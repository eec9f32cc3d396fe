import { EventSourcingError } from './event-sourcing-error';

/**
 * A natural key (`@NaturalKey`, `AppendOptions.naturalKeys`) is held by another stream.
 * Nothing was written. The value is kept in a field, not in the message, since it may
 * be personal data (an email).
 */
export class NaturalKeyTakenError extends EventSourcingError {
  readonly code = 'ES_NATURAL_KEY_TAKEN';

  constructor(
    /** The key's name in the store (`account/email`). */
    readonly key: string,
    /** The value claimed, normalised as stored. */
    readonly value: string,
    /** The stream that claimed it. */
    readonly streamId: string,
  ) {
    super(`The ${key} given is already taken by another stream. Nothing was written; choose another ${key}.`);
  }
}
