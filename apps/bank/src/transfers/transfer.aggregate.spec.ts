import { aggregateFixture } from 'nest-event-sourcing/testing';
import { ApprovalExpiredError } from './errors/approval-expired.error';
import { TransferNotAwaitingApprovalError } from './errors/transfer-not-awaiting-approval.error';
import { TransferApprovalExpired } from './events/transfer-approval-expired.event';
import { TransferApproved } from './events/transfer-approved.event';
import { TransferCompleted } from './events/transfer-completed.event';
import { TransferFailed } from './events/transfer-failed.event';
import { TransferRequested } from './events/transfer-requested.event';
import { Transfer } from './transfer.aggregate';

// The approval and its deadline are both decisions of the transfer: whichever is stored
// first wins, and the other one, decided again on it, gives way.
describe('Transfer: approval against its deadline', () => {
  const transfer = aggregateFixture(Transfer, 't-1');
  const large = new TransferRequested('t-1', 'a', 'b', 5000, true);
  const small = new TransferRequested('t-1', 'a', 'b', 300, false);

  it('is approved while its approval has not expired', () => {
    transfer
      .given(large)
      .when((t) => t.approve())
      .then(new TransferApproved('t-1'));
  });

  it('expires its approval when no approval came first', () => {
    const state = transfer
      .given(large)
      .when((t) => t.expireApproval())
      .then(new TransferApprovalExpired('t-1'));
    expect(state).toMatchObject({ approvalExpired: true, status: 'pending' });
  });

  it('refuses an approval once its approval has expired, with the rule approval-expired', () => {
    transfer
      .given(large, new TransferApprovalExpired('t-1'))
      .when((t) => t.approve())
      .thenThrows(ApprovalExpiredError, /can no longer be approved/);
    transfer
      .given(large, new TransferApprovalExpired('t-1'), new TransferFailed('t-1', 'approval timed out'))
      .when((t) => t.approve())
      .thenThrows(ApprovalExpiredError);
    expect(new ApprovalExpiredError('t-1')).toMatchObject({ code: 'ES_DOMAIN_RULE', rule: 'approval-expired' });
  });

  it('lets an approval given first stand: the deadline then expires nothing', () => {
    transfer
      .given(large, new TransferApproved('t-1'))
      .when((t) => t.expireApproval())
      .then();
  });

  it('expires nothing twice, nor for a transfer that needs no approval or is over', () => {
    transfer
      .given(large, new TransferApprovalExpired('t-1'))
      .when((t) => t.expireApproval())
      .then();
    transfer
      .given(small)
      .when((t) => t.expireApproval())
      .then();
    transfer
      .given(large, new TransferApproved('t-1'), new TransferCompleted('t-1'))
      .when((t) => t.expireApproval())
      .then();
  });

  it('takes an approval given twice once, and refuses one for a transfer that needs none', () => {
    transfer
      .given(large, new TransferApproved('t-1'))
      .when((t) => t.approve())
      .then();
    transfer
      .given(small)
      .when((t) => t.approve())
      .thenThrows(TransferNotAwaitingApprovalError);
  });
});
