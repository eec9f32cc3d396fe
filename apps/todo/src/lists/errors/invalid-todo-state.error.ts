import { DomainError } from 'nest-event-sourcing';

/** A command that would change nothing or makes no sense in the list's state. */
export class InvalidTodoStateError extends DomainError {
  constructor(message: string) {
    super('invalid-state', message);
  }
}
