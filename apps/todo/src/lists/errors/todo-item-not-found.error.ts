import { DomainError } from 'nest-event-sourcing';

export class TodoItemNotFoundError extends DomainError {
  constructor(
    readonly listId: string,
    readonly itemId: string,
  ) {
    super('item-not-found', `List ${listId} has no item ${itemId}.`);
  }
}
