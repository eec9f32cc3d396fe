import { DomainEvent, Grants } from 'nest-event-sourcing';
import { LIST } from '../list-access';

/** A new list; whoever created it (the request's user, when there is one) may do everything on it. */
@DomainEvent('todo.list-created')
@Grants<TodoListCreated>((data, event) =>
  typeof event.metadata.userId === 'string'
    ? { actorId: event.metadata.userId, aggregateType: LIST, aggregateId: data.listId, permission: '*' }
    : undefined,
)
export class TodoListCreated {
  constructor(
    readonly listId: string,
    readonly title: string,
  ) {}
}
