import { DomainEvent } from '@app/event-sourcing';

@DomainEvent('todo.list-restored')
export class TodoListRestored {
  constructor(readonly listId: string) {}
}
