import { ListOperation } from './list-operation.command';

export class AddItem extends ListOperation {
  constructor(
    listId: string,
    readonly itemId: string,
    readonly text: string,
    expectedVersion?: number,
  ) {
    super(listId, expectedVersion);
  }
}
