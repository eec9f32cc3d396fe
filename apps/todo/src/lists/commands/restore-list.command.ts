import { ListOperation } from './list-operation.command';

export class RestoreList extends ListOperation {}
