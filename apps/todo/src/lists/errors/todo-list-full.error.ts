import { DomainError } from 'nest-event-sourcing';

/** The list holds the most items a list may; remove one to add another. */
export class TodoListFullError extends DomainError {
  constructor(
    readonly listId: string,
    readonly maxItems: number,
  ) {
    super('list-full', `List ${listId} holds ${maxItems} items, the most a list may; remove one to add another.`);
  }
}
