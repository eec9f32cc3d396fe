import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('todo.list-restored')
export class TodoListRestored {
  constructor(readonly listId: string) {}
}
