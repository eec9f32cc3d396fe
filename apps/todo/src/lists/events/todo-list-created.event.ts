import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('todo.list-created')
export class TodoListCreated {
  constructor(
    readonly listId: string,
    readonly title: string,
  ) {}
}
