import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AddMember } from './add-member.command';
import type { ListCommandResult } from './list-command-result';
import { ListHandler } from './list-handler';
import { RemoveMember } from './remove-member.command';

// Only the list's creator manages its members. The grant or revocation is an event of
// the list, so it is in the list's history and the permissions read model commits with it.

@CommandHandler(AddMember)
export class AddMemberHandler extends ListHandler implements ICommandHandler<AddMember> {
  execute({ listId, userId, role, expectedVersion }: AddMember): Promise<ListCommandResult> {
    return this.change('manage', listId, (list) => list.addMember(userId, role), expectedVersion);
  }
}

@CommandHandler(RemoveMember)
export class RemoveMemberHandler extends ListHandler implements ICommandHandler<RemoveMember> {
  execute({ listId, userId, expectedVersion }: RemoveMember): Promise<ListCommandResult> {
    return this.change('manage', listId, (list) => list.removeMember(userId), expectedVersion);
  }
}
