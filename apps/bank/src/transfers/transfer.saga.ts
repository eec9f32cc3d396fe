import {
  DurableSaga,
  OnSagaCommandFailure,
  OnSagaDeadline,
  SagaEventHandler,
  StartsSaga,
  type EventEnvelope,
  type SagaCommandFailure,
  type SagaContext,
} from 'nest-event-sourcing';
import { Injectable } from '@nestjs/common';
import {
  CreditForTransfer,
  DebitForTransfer,
  RefundTransfer,
  SettleTransferDebit,
} from '../accounts/commands/transfer-moves.command';
import { MoneyDeposited } from '../accounts/events/money-deposited.event';
import { MoneyWithdrawn } from '../accounts/events/money-withdrawn.event';
import { CompleteTransfer, ExpireTransferApproval, FailTransfer } from './commands/transfer-commands';
import { TransferApprovalExpired } from './events/transfer-approval-expired.event';
import { TransferApproved } from './events/transfer-approved.event';
import { TransferCompleted } from './events/transfer-completed.event';
import { TransferFailed } from './events/transfer-failed.event';
import { TransferRequested } from './events/transfer-requested.event';
import { TransferSettings } from './transfer-settings';

/** Where a transfer's saga is. */
export interface TransferState {
  from: string;
  to: string;
  amount: number;
  needsApproval: boolean;
  step: 'debiting' | 'awaiting-approval' | 'crediting' | 'refunding' | 'completing' | 'failing';
  /** Approved while the debit was still under way: no need to wait once it is done. */
  approved?: boolean;
  /** Why it fails, once it does. */
  reason?: string;
}

/** The deadline of a large transfer's approval. */
export const APPROVAL_DEADLINE = 'approval';

/**
 * Moves the money of a transfer: debit the source, (for a large transfer, wait for an
 * approval until a deadline,) credit the target, complete. When the debit is refused,
 * the transfer fails; when the credit is refused or the approval does not come in
 * time, the source is refunded first. Money is conserved on every path: the commands
 * are idempotent by transfer, so a command delivered twice moves nothing twice.
 *
 * The saga never decides between the approval and its deadline itself: an approval may
 * be stored a moment before the deadline fires and reach the saga after it. The
 * deadline asks the transfer instead (`ExpireTransferApproval`), which decides on its
 * stream, and the saga follows the event that won: `TransferApproved` credits,
 * `TransferApprovalExpired` refunds.
 */
@DurableSaga('transfer', { correlationKey: 'transferId' })
@Injectable()
export class TransferSaga {
  constructor(private readonly settings: TransferSettings) {}

  @StartsSaga(TransferRequested)
  requested({ data }: EventEnvelope<TransferRequested>, saga: SagaContext<TransferState>): void {
    saga.state = {
      from: data.fromAccountId,
      to: data.toAccountId,
      amount: data.amount,
      needsApproval: data.needsApproval,
      step: 'debiting',
    };
    saga.dispatch(new DebitForTransfer(data.fromAccountId, data.transferId, data.amount));
  }

  @SagaEventHandler(MoneyWithdrawn)
  debited({ data }: EventEnvelope<MoneyWithdrawn>, saga: SagaContext<TransferState>): void {
    const { state } = saga;
    if (state.step !== 'debiting' || data.accountId !== state.from) return;
    if (state.needsApproval && !state.approved) {
      state.step = 'awaiting-approval';
      saga.schedule(APPROVAL_DEADLINE, { afterMs: this.settings.approvalTimeoutMs });
      return;
    }
    this.credit(saga);
  }

  @SagaEventHandler(TransferApproved)
  approved(_event: EventEnvelope<TransferApproved>, saga: SagaContext<TransferState>): void {
    if (saga.state.step === 'debiting') saga.state.approved = true;
    if (saga.state.step !== 'awaiting-approval') return;
    saga.cancel(APPROVAL_DEADLINE);
    this.credit(saga);
  }

  /** The transfer decides whether the approval expires; the saga waits for its answer. */
  @OnSagaDeadline(APPROVAL_DEADLINE)
  approvalDue(_deadline: unknown, saga: SagaContext<TransferState>): void {
    if (saga.state.step === 'awaiting-approval') saga.dispatch(new ExpireTransferApproval(saga.correlation));
  }

  @SagaEventHandler(TransferApprovalExpired)
  approvalExpired(_event: EventEnvelope<TransferApprovalExpired>, saga: SagaContext<TransferState>): void {
    if (saga.state.step === 'awaiting-approval') this.refund(saga, 'approval timed out');
  }

  @SagaEventHandler(MoneyDeposited)
  deposited({ data }: EventEnvelope<MoneyDeposited>, saga: SagaContext<TransferState>): void {
    const { state } = saga;
    if (data.refund && data.accountId === state.from && state.step === 'refunding') {
      state.step = 'failing';
      saga.dispatch(new FailTransfer(saga.correlation, state.reason ?? 'refunded'));
    } else if (!data.refund && data.accountId === state.to && state.step === 'crediting') {
      state.step = 'completing';
      // The money arrived: the source's debit will never come back, so it stops
      // counting against the source's balance limit.
      saga.dispatch(new SettleTransferDebit(state.from, saga.correlation));
      saga.dispatch(new CompleteTransfer(saga.correlation));
    }
  }

  @SagaEventHandler(TransferCompleted)
  completed(_event: EventEnvelope<TransferCompleted>, saga: SagaContext<TransferState>): void {
    saga.complete();
  }

  @SagaEventHandler(TransferFailed)
  failed({ data }: EventEnvelope<TransferFailed>, saga: SagaContext<TransferState>): void {
    saga.fail(data.reason);
  }

  /** The source refused the debit (insufficient funds, closed): nothing moved. */
  @OnSagaCommandFailure(DebitForTransfer)
  debitRefused(failure: SagaCommandFailure<DebitForTransfer>, saga: SagaContext<TransferState>): void {
    saga.state.step = 'failing';
    saga.state.reason = `debit refused: ${failure.rule ?? failure.code}`;
    saga.dispatch(new FailTransfer(saga.correlation, saga.state.reason));
  }

  /** The target refused the credit (closed, say): the source gets its money back. */
  @OnSagaCommandFailure(CreditForTransfer)
  creditRefused(failure: SagaCommandFailure<CreditForTransfer>, saga: SagaContext<TransferState>): void {
    this.refund(saga, `credit refused: ${failure.rule ?? failure.code}`);
  }

  private credit(saga: SagaContext<TransferState>): void {
    saga.state.step = 'crediting';
    saga.dispatch(new CreditForTransfer(saga.state.to, saga.correlation, saga.state.amount));
  }

  private refund(saga: SagaContext<TransferState>, reason: string): void {
    saga.state.step = 'refunding';
    saga.state.reason = reason;
    saga.dispatch(new RefundTransfer(saga.state.from, saga.correlation, saga.state.amount));
  }
}
