import { DomainEvent } from '@app/event-sourcing';

@DomainEvent('todo.list-created')
export class TodoListCreated {
  constructor(
    readonly listId: string,
    readonly title: string,
  ) {}
}
