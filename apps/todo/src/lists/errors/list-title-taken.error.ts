import { DomainError } from 'nest-event-sourcing';

/** Another active list holds the title: a conflict with that list, answered 409. */
export class ListTitleTakenError extends DomainError {
  constructor(
    readonly title: string,
    readonly heldBy: string,
  ) {
    super('list-title-taken', `Another list (${heldBy}) is called "${title}"; pick another title.`, {
      conflict: true,
    });
  }
}
