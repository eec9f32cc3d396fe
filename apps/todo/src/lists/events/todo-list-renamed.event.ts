import { DomainEvent } from '@app/event-sourcing';

@DomainEvent('todo.list-renamed')
export class TodoListRenamed {
  constructor(
    readonly listId: string,
    readonly title: string,
  ) {}
}
