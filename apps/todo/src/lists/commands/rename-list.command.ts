import { ListOperation } from './list-operation.command';

export class RenameList extends ListOperation {
  constructor(
    listId: string,
    readonly title: string,
    expectedVersion?: number,
  ) {
    super(listId, expectedVersion);
  }
}
