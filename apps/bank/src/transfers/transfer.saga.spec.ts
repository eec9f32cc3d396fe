import { commandFailed, sagaFixture } from 'nest-event-sourcing/testing';
import {
  CreditForTransfer,
  DebitForTransfer,
  RefundTransfer,
  SettleTransferDebit,
} from '../accounts/commands/transfer-moves.command';
import { AccountClosedError } from '../accounts/errors/account-closed.error';
import { InsufficientFundsError } from '../accounts/errors/insufficient-funds.error';
import { MoneyDeposited } from '../accounts/events/money-deposited.event';
import { MoneyWithdrawn } from '../accounts/events/money-withdrawn.event';
import { CompleteTransfer, ExpireTransferApproval, FailTransfer } from './commands/transfer-commands';
import { TransferApprovalExpired } from './events/transfer-approval-expired.event';
import { TransferApproved } from './events/transfer-approved.event';
import { TransferCompleted } from './events/transfer-completed.event';
import { TransferFailed } from './events/transfer-failed.event';
import { TransferRequested } from './events/transfer-requested.event';
import { APPROVAL_DEADLINE, TransferSaga } from './transfer.saga';
import type { TransferSettings } from './transfer-settings';

const settings: TransferSettings = { approvalLimit: 1000, approvalTimeoutMs: 30_000 };
const saga = () => sagaFixture(new TransferSaga(settings));
const requested = new TransferRequested('t-1', 'a', 'b', 300, false);
const large = new TransferRequested('t-1', 'a', 'b', 5000, true);

describe('TransferSaga', () => {
  it('debits the source first', async () => {
    (await saga().when(requested)).expectDispatched(new DebitForTransfer('a', 't-1', 300)).expectActive();
  });

  it('credits the target once the debit is stored', async () => {
    const result = await saga()
      .given(requested)
      .when(new MoneyWithdrawn('a', 300, 700, 't-1'));
    result.expectDispatched(new CreditForTransfer('b', 't-1', 300));
    expect(result.state).toMatchObject({ step: 'crediting' });
  });

  it('completes the transfer once the credit is stored, and ends when it is completed', async () => {
    const credited = await saga()
      .given(requested, new MoneyWithdrawn('a', 300, 700, 't-1'))
      .when(new MoneyDeposited('b', 300, 300, 't-1'));
    credited.expectDispatched(new SettleTransferDebit('a', 't-1'), new CompleteTransfer('t-1'));
    const ended = await saga()
      .given(requested, new MoneyWithdrawn('a', 300, 700, 't-1'), new MoneyDeposited('b', 300, 300, 't-1'))
      .when(new TransferCompleted('t-1'));
    ended.expectDispatched().expectEnded('completed');
  });

  it('fails the transfer when the debit is refused, moving nothing', async () => {
    const result = await saga()
      .given(requested)
      .whenCommandFails(new DebitForTransfer('a', 't-1', 300), new InsufficientFundsError('a', 100, 300));
    result.expectDispatched(new FailTransfer('t-1', 'debit refused: insufficient-funds'));
  });

  it('refunds the source when the credit is refused, then fails the transfer', async () => {
    const refused = await saga()
      .given(requested, new MoneyWithdrawn('a', 300, 700, 't-1'))
      .whenCommandFails(new CreditForTransfer('b', 't-1', 300), new AccountClosedError('b'));
    refused.expectDispatched(new RefundTransfer('a', 't-1', 300));
    const refunded = await saga()
      .given(
        requested,
        new MoneyWithdrawn('a', 300, 700, 't-1'),
        commandFailed(new CreditForTransfer('b', 't-1', 300), new AccountClosedError('b')),
      )
      .when(new MoneyDeposited('a', 300, 1000, 't-1', true));
    refunded.expectDispatched(new FailTransfer('t-1', 'credit refused: account-closed'));
  });

  it('ends as failed with the reason', async () => {
    const result = await saga().given(requested).when(new TransferFailed('t-1', 'debit refused: insufficient-funds'));
    result.expectEnded('failed', 'debit refused: insufficient-funds');
  });

  it('holds a large transfer after the debit until its approval, with a deadline', async () => {
    const result = await saga()
      .given(large)
      .when(new MoneyWithdrawn('a', 5000, 0, 't-1'));
    result.expectDispatched();
    const due = result.expectScheduled('approval');
    expect(due.getTime() - Date.now()).toBeGreaterThan(29_000);
    const approved = await saga()
      .given(large, new MoneyWithdrawn('a', 5000, 0, 't-1'))
      .when(new TransferApproved('t-1'));
    approved.expectDispatched(new CreditForTransfer('b', 't-1', 5000)).expectCancelled('approval');
  });

  it('asks the transfer to expire its approval when the deadline falls due, and waits for its answer', async () => {
    const result = await saga()
      .given(large, new MoneyWithdrawn('a', 5000, 0, 't-1'))
      .whenTimePasses(31_000);
    result.expectDispatched(new ExpireTransferApproval('t-1'));
    expect(result.state).toMatchObject({ step: 'awaiting-approval' });
    const before = await saga()
      .given(large, new MoneyWithdrawn('a', 5000, 0, 't-1'))
      .whenTimePasses(1_000);
    before.expectDispatched().expectActive();
  });

  it('refunds a large transfer once its approval has expired', async () => {
    const result = await saga()
      .given(large, new MoneyWithdrawn('a', 5000, 0, 't-1'))
      .when(new TransferApprovalExpired('t-1'));
    result.expectDispatched(new RefundTransfer('a', 't-1', 5000));
    expect(result.state).toMatchObject({ step: 'refunding', reason: 'approval timed out' });
  });

  it('credits a transfer whose approval won against a deadline that fell due meanwhile', async () => {
    const fixture = saga().given(large, new MoneyWithdrawn('a', 5000, 0, 't-1'));
    await fixture.whenDeadline(APPROVAL_DEADLINE);
    const approved = await fixture.when(new TransferApproved('t-1'));
    approved.expectDispatched(new CreditForTransfer('b', 't-1', 5000));
  });

  it('keeps an approval given before the debit, and credits without a deadline once debited', async () => {
    const result = await saga()
      .given(large, new TransferApproved('t-1'))
      .when(new MoneyWithdrawn('a', 5000, 0, 't-1'));
    result.expectDispatched(new CreditForTransfer('b', 't-1', 5000));
    expect(result.state).toMatchObject({ step: 'crediting', approved: true });
  });

  it('ignores events of other transfers and plain deposits', async () => {
    const other = await saga()
      .given(requested)
      .when(new MoneyWithdrawn('a', 300, 700, 't-2'));
    other.expectDispatched();
    const plain = await saga()
      .given(requested)
      .when(new MoneyDeposited('b', 5, 5));
    plain.expectDispatched();
  });
});
