import { AccountOperation } from './account-operation.command';

export class CloseAccount extends AccountOperation {}
