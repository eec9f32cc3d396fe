import { AccountOperation } from './account-operation.command';

/** A deposit over HTTP, or an external one (from the broker) when it has a reference. */
export class DepositMoney extends AccountOperation {
  constructor(
    accountId: string,
    readonly amount: number,
    expectedVersion?: number,
    /** An external deposit's reference: deposited at most once per account. */
    readonly reference?: string,
  ) {
    super(accountId, expectedVersion);
  }
}
