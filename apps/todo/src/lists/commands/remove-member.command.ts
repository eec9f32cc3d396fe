import { ListOperation } from './list-operation.command';

/** Takes a member's role on a list away; only its creator may. */
export class RemoveMember extends ListOperation {
  constructor(
    listId: string,
    readonly userId: string,
    expectedVersion?: number,
  ) {
    super(listId, expectedVersion);
  }
}
