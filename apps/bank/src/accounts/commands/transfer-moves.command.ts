import { AccountOperation } from './account-operation.command';

/** A move of money for a transfer: dispatched by the transfer saga, idempotent by transfer. */
abstract class TransferMove extends AccountOperation {
  constructor(
    accountId: string,
    readonly transferId: string,
    readonly amount: number,
  ) {
    super(accountId);
  }
}

/** Takes a transfer's amount from its source account. */
export class DebitForTransfer extends TransferMove {}

/** Puts a transfer's amount on its target account. */
export class CreditForTransfer extends TransferMove {}

/** Gives a failed transfer's amount back to its source account. */
export class RefundTransfer extends TransferMove {}

/** Tells a transfer's source that its debit reached the target and will not be refunded. */
export class SettleTransferDebit extends AccountOperation {
  constructor(
    accountId: string,
    readonly transferId: string,
  ) {
    super(accountId);
  }
}
