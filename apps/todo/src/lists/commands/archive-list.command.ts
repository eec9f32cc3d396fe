import { ListOperation } from './list-operation.command';

/** Archives a list: a soft delete, undone by RestoreList. */
export class ArchiveList extends ListOperation {}
