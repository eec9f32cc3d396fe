import { ListOperation } from './list-operation.command';

/** What to do with one item of a list. */
export type ItemAction = 'complete' | 'reopen' | 'remove';

/** Completes, reopens or removes an item. */
export class ChangeItem extends ListOperation {
  constructor(
    listId: string,
    readonly itemId: string,
    readonly action: ItemAction,
    expectedVersion?: number,
  ) {
    super(listId, expectedVersion);
  }
}
