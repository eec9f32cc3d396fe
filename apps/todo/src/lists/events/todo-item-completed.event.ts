import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('todo.item-completed')
export class TodoItemCompleted {
  constructor(
    readonly listId: string,
    readonly itemId: string,
    readonly completedAt: Date,
  ) {}
}
