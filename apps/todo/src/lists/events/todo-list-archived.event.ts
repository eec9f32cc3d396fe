import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('todo.list-archived')
export class TodoListArchived {
  constructor(readonly listId: string) {}
}
