import { EventSourcingError } from './event-sourcing-error';

/**
 * A data subject's key cannot be used: its row in `es_subject_keys` is missing though the
 * subject was never forgotten (the table was emptied or restored without it), it has the
 * wrong length, it was wrapped by a master key this process does not have, or it does
 * not open the ciphertext (tampered data, the wrong master key). The store never guesses:
 * no event of the subject is read until the key table is repaired.
 */
export class PersonalDataKeyError extends EventSourcingError {
  readonly code = 'ES_PERSONAL_DATA_KEY';

  constructor(
    readonly subject: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The personal data key of subject "${subject}" cannot be used: ${reason}. Restore es_subject_keys from a backup or configure the master key it was wrapped with; nothing of this subject is read meanwhile.`,
      options,
    );
  }
}
