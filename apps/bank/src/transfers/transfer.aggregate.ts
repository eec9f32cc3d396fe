import { Aggregate, AggregateRoot, Apply } from 'nest-event-sourcing';
import { InvalidAmountError } from '../accounts/errors/invalid-amount.error';
import { ApprovalExpiredError } from './errors/approval-expired.error';
import { SameAccountTransferError } from './errors/same-account-transfer.error';
import { TransferNotAwaitingApprovalError } from './errors/transfer-not-awaiting-approval.error';
import { TransferApprovalExpired } from './events/transfer-approval-expired.event';
import { TransferApproved } from './events/transfer-approved.event';
import { TransferCompleted } from './events/transfer-completed.event';
import { TransferFailed } from './events/transfer-failed.event';
import { TransferRequested } from './events/transfer-requested.event';

/**
 * A transfer between two accounts, as the customer sees it: pending until the transfer
 * saga has moved the money (completed) or given up and put it back (failed). A large
 * transfer is approved or its approval expires, never both: both are decisions of this
 * stream, saved at the version they were decided on, so of two that race one wins and
 * the other is decided again on the winner's event.
 */
@Aggregate('transfer')
export class Transfer extends AggregateRoot {
  fromAccountId = '';
  toAccountId = '';
  amount = 0;
  needsApproval = false;
  approved = false;
  approvalExpired = false;
  status: 'new' | 'pending' | 'completed' | 'failed' = 'new';
  reason?: string;

  request(fromAccountId: string, toAccountId: string, amount: number, needsApproval: boolean): void {
    if (fromAccountId === toAccountId) throw new SameAccountTransferError(fromAccountId);
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new InvalidAmountError(amount);
    this.apply(new TransferRequested(this.id, fromAccountId, toAccountId, amount, needsApproval));
  }

  /**
   * Approves a large transfer (before or after its debit). Idempotent.
   * @throws ApprovalExpiredError once its approval deadline has been decided.
   * @throws TransferNotAwaitingApprovalError when it is over or needs no approval.
   */
  approve(): void {
    if (this.approvalExpired) throw new ApprovalExpiredError(this.id);
    if (this.status !== 'pending') throw new TransferNotAwaitingApprovalError(this.id, `it is ${this.status}`);
    if (!this.needsApproval) throw new TransferNotAwaitingApprovalError(this.id, 'it needs no approval');
    if (this.approved) return;
    this.apply(new TransferApproved(this.id));
  }

  /**
   * The saga: the approval deadline passed. Expires the approval unless it was given
   * first (then nothing happens, and the approval stands). Idempotent.
   */
  expireApproval(): void {
    if (this.status !== 'pending' || !this.needsApproval || this.approved || this.approvalExpired) return;
    this.apply(new TransferApprovalExpired(this.id));
  }

  /** Ends it as done; the saga says so once the target is credited. Idempotent. */
  complete(): void {
    if (this.status === 'pending') this.apply(new TransferCompleted(this.id));
  }

  /** Ends it as failed, once the saga has put any debited money back. Idempotent. */
  fail(reason: string): void {
    if (this.status === 'pending') this.apply(new TransferFailed(this.id, reason));
  }

  @Apply(TransferRequested)
  protected onRequested(event: TransferRequested): void {
    this.fromAccountId = event.fromAccountId;
    this.toAccountId = event.toAccountId;
    this.amount = event.amount;
    this.needsApproval = event.needsApproval;
    this.status = 'pending';
  }

  @Apply(TransferApproved)
  protected onApproved(): void {
    this.approved = true;
  }

  @Apply(TransferApprovalExpired)
  protected onApprovalExpired(): void {
    this.approvalExpired = true;
  }

  @Apply(TransferCompleted)
  protected onCompleted(): void {
    this.status = 'completed';
  }

  @Apply(TransferFailed)
  protected onFailed(event: TransferFailed): void {
    this.status = 'failed';
    this.reason = event.reason;
  }
}
