import { DomainError } from 'nest-event-sourcing';

export class TodoListArchivedError extends DomainError {
  constructor(readonly listId: string) {
    super('list-archived', `List ${listId} is archived; restore it to change it.`);
  }
}
