import { AccountOperation } from './account-operation.command';

export class DepositMoney extends AccountOperation {
  constructor(
    accountId: string,
    readonly amount: number,
    expectedVersion?: number,
  ) {
    super(accountId, expectedVersion);
  }
}
