import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('todo.list-renamed')
export class TodoListRenamed {
  constructor(
    readonly listId: string,
    readonly title: string,
  ) {}
}
