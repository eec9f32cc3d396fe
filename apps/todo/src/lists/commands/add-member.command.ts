import type { MemberRole } from '../list-access';
import { ListOperation } from './list-operation.command';

/** Makes a user a viewer or an editor of a list; only its creator may. */
export class AddMember extends ListOperation {
  constructor(
    listId: string,
    readonly userId: string,
    readonly role: MemberRole,
    expectedVersion?: number,
  ) {
    super(listId, expectedVersion);
  }
}
