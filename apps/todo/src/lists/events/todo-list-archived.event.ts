import { DomainEvent } from '@app/event-sourcing';

@DomainEvent('todo.list-archived')
export class TodoListArchived {
  constructor(readonly listId: string) {}
}
