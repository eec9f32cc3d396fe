import { EventSourcingError } from './event-sourcing-error';

/**
 * An append carries personal data of a subject that was forgotten: its key is gone for
 * good, so the data could never be read back and is refused; nothing is written.
 */
export class SubjectForgottenError extends EventSourcingError {
  readonly code = 'ES_SUBJECT_FORGOTTEN';

  constructor(
    readonly subject: string,
    readonly streamId: string,
  ) {
    super(
      `Stream "${streamId}": the append carries personal data of subject "${subject}", which was forgotten. Leave the personal data out (or give it to a new subject).`,
    );
  }
}
