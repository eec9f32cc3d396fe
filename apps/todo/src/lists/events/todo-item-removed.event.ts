import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('todo.item-removed')
export class TodoItemRemoved {
  constructor(
    readonly listId: string,
    readonly itemId: string,
  ) {}
}
