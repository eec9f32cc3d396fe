import { DomainEvent } from '@app/event-sourcing';

@DomainEvent('todo.item-removed')
export class TodoItemRemoved {
  constructor(
    readonly listId: string,
    readonly itemId: string,
  ) {}
}
