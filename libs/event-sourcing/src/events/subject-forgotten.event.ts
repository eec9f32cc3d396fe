import { DomainEvent } from './domain-event.decorator';
import { SUBJECT_FORGOTTEN } from './subject-forgotten-stream';

/**
 * Stored by `EventStore.forget` in the transaction that forgets a data subject: a
 * projection or saga that keeps copies of the subject's personal data erases them when it
 * handles this event (`@OnPage(SubjectForgotten)` or `@On(SubjectForgotten)`), and a
 * rebuild meets it again after the events it erases. Its stream is
 * `es.forgotten-<subject>`.
 * @example
 * @On(SubjectForgotten)
 * async erase({ data }: EventEnvelope<SubjectForgotten>, { manager }: ProjectionContext) {
 *   await manager.update(AccountView, { id: data.subject }, { owner: null });
 * }
 */
@DomainEvent(SUBJECT_FORGOTTEN)
export class SubjectForgotten {
  constructor(
    /** The subject forgotten. */
    readonly subject: string,
    /** The streams that held its personal data. */
    readonly streamIds: string[],
  ) {}
}
