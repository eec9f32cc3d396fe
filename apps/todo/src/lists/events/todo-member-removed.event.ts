import { DomainEvent, Revokes } from 'nest-event-sourcing';
import { LIST } from '../list-access';

/** A user is no longer a member of a list: their role on it is revoked (the creator's `*` stays). */
@DomainEvent('todo.member-removed')
@Revokes<TodoMemberRemoved>(({ listId, userId }) => ({
  actorId: userId,
  aggregateType: LIST,
  aggregateId: listId,
  permissions: ['viewer', 'editor'],
}))
export class TodoMemberRemoved {
  constructor(
    readonly listId: string,
    readonly userId: string,
  ) {}
}
