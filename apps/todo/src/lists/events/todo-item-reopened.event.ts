import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('todo.item-reopened')
export class TodoItemReopened {
  constructor(
    readonly listId: string,
    readonly itemId: string,
  ) {}
}
