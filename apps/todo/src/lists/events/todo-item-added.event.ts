import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('todo.item-added')
export class TodoItemAdded {
  constructor(
    readonly listId: string,
    readonly itemId: string,
    readonly text: string,
  ) {}
}
