import { aggregateFixture } from 'nest-event-sourcing/testing';
import { BankAccount } from './bank-account.aggregate';
import { AccountAlreadyOpenedError } from './errors/account-already-opened.error';
import { AccountClosedError } from './errors/account-closed.error';
import { AccountNotEmptyError } from './errors/account-not-empty.error';
import { AccountNotOpenError } from './errors/account-not-open.error';
import { InsufficientFundsError } from './errors/insufficient-funds.error';
import { InvalidAmountError } from './errors/invalid-amount.error';
import { AccountClosed } from './events/account-closed.event';
import { AccountOpened } from './events/account-opened.event';
import { MoneyDeposited } from './events/money-deposited.event';
import { MoneyWithdrawn } from './events/money-withdrawn.event';
import { TransferDebitSettled } from './events/transfer-debit-settled.event';
import { BalanceLimitError } from './errors/balance-limit.error';
import { MAX_BALANCE } from './money';

describe('BankAccount', () => {
  const account = aggregateFixture(BankAccount, 'a-1');
  const at = new Date('2026-05-01T10:00:00Z');
  const opened = new AccountOpened('a-1', 'Ada', at);

  it('opens with an initial deposit', () => {
    account
      .given()
      .when((a) => a.open('Ada', 500, at))
      .then(opened, new MoneyDeposited('a-1', 500, 500));
  });

  it('opens empty without a deposit event', () => {
    const state = account
      .given()
      .when((a) => a.open('Ada', 0, at))
      .then(opened);
    expect(state).toMatchObject({ status: 'open', balance: 0, owner: 'Ada', openedAt: at });
  });

  it('refuses to open twice', () => {
    account
      .given(opened)
      .when((a) => a.open('Bob'))
      .thenThrows(AccountAlreadyOpenedError);
  });

  it('deposits and withdraws, recording the balance after each', () => {
    account
      .given(opened, new MoneyDeposited('a-1', 300, 300))
      .when((a) => {
        a.deposit(200);
        a.withdraw(450);
      })
      .then(new MoneyDeposited('a-1', 200, 500), new MoneyWithdrawn('a-1', 450, 50));
  });

  it('never lets the balance go negative', () => {
    account
      .given(opened, new MoneyDeposited('a-1', 100, 100))
      .when((a) => a.withdraw(101))
      .thenThrows(InsufficientFundsError, 'holds 100, less than the 101');
  });

  it.each([0, -5, 1.5, Number.NaN, MAX_BALANCE + 1, Number.MAX_SAFE_INTEGER])('refuses an amount of %p', (amount) => {
    account
      .given(opened)
      .when((a) => a.deposit(amount))
      .thenThrows(InvalidAmountError);
  });

  it('closes only when empty, and then takes no more commands', () => {
    account
      .given(opened, new MoneyDeposited('a-1', 1, 1))
      .when((a) => a.close())
      .thenThrows(AccountNotEmptyError);
    account
      .given(opened)
      .when((a) => a.close(at))
      .then(new AccountClosed('a-1', at));
    account
      .given(opened, new AccountClosed('a-1', at))
      .when((a) => a.deposit(5))
      .thenThrows(AccountClosedError);
  });

  it('refuses operations on an account that was never opened', () => {
    account
      .given()
      .when((a) => a.deposit(5))
      .thenThrows(AccountNotOpenError);
  });

  it('counts deposits stored in revision 1, whose balance is unknown', () => {
    const state = account
      .given(opened, new MoneyDeposited('a-1', 70, null))
      .when((a) => a.withdraw(20))
      .then(new MoneyWithdrawn('a-1', 20, 50));
    expect(state.balance).toBe(50);
  });

  describe('the balance limit', () => {
    const full = new MoneyDeposited('a-1', MAX_BALANCE, MAX_BALANCE);

    it('accepts a deposit up to the limit exactly, and refuses one cent more', () => {
      account
        .given(opened, new MoneyDeposited('a-1', MAX_BALANCE - 1, MAX_BALANCE - 1))
        .when((a) => a.deposit(1))
        .then(new MoneyDeposited('a-1', 1, MAX_BALANCE));
      account
        .given(opened, full)
        .when((a) => a.deposit(1))
        .thenThrows(BalanceLimitError, `limit of ${MAX_BALANCE}`);
      account
        .given(opened, full)
        .when((a) => a.creditForTransfer('t-1', 1))
        .thenThrows(BalanceLimitError);
    });

    it('refuses the largest safe integer as an initial deposit, so later sums stay exact', () => {
      account
        .given()
        .when((a) => a.open('Ada', Number.MAX_SAFE_INTEGER, at))
        .thenThrows(InvalidAmountError);
    });

    it('counts a transfer in flight against the limit until it is settled, since it may come back', () => {
      const debited = new MoneyWithdrawn('a-1', MAX_BALANCE, 0, 't-1');
      account
        .given(opened, full, debited)
        .when((a) => a.deposit(1))
        .thenThrows(BalanceLimitError, `holds ${MAX_BALANCE} (transfers in flight included)`);
      account
        .given(opened, full, debited)
        .when((a) => a.settleTransferDebit('t-1'))
        .then(new TransferDebitSettled('a-1', 't-1'));
      account
        .given(opened, full, debited, new TransferDebitSettled('a-1', 't-1'))
        .when((a) => a.deposit(MAX_BALANCE))
        .then(new MoneyDeposited('a-1', MAX_BALANCE, MAX_BALANCE));
    });

    it('always takes a refund back, within the limit', () => {
      const state = account
        .given(opened, full, new MoneyWithdrawn('a-1', 400, MAX_BALANCE - 400, 't-1'))
        .when((a) => a.refundTransfer('t-1', 400))
        .then(new MoneyDeposited('a-1', 400, MAX_BALANCE, 't-1', true));
      expect(state.committedBalance).toBe(MAX_BALANCE);
    });

    it('settles a debit once; settling an unknown or refunded one does nothing', () => {
      account
        .given(
          opened,
          full,
          new MoneyWithdrawn('a-1', 5, MAX_BALANCE - 5, 't-1'),
          new TransferDebitSettled('a-1', 't-1'),
        )
        .when((a) => a.settleTransferDebit('t-1'))
        .then();
      account
        .given(opened)
        .when((a) => a.settleTransferDebit('t-9'))
        .then();
    });
  });
});
