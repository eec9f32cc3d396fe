import { DomainEvent, Grants, Revokes } from 'nest-event-sourcing';
import { LIST, type MemberRole } from '../list-access';

/** A user became a viewer or an editor of a list (replacing the role they had). */
@DomainEvent('todo.member-added')
@Revokes<TodoMemberAdded>(({ listId, userId }) => ({
  actorId: userId,
  aggregateType: LIST,
  aggregateId: listId,
  permissions: ['viewer', 'editor'],
}))
@Grants<TodoMemberAdded>(({ listId, userId, role }) => ({
  actorId: userId,
  aggregateType: LIST,
  aggregateId: listId,
  permission: role,
}))
export class TodoMemberAdded {
  constructor(
    readonly listId: string,
    readonly userId: string,
    readonly role: MemberRole,
  ) {}
}
