import { aggregateFixture } from '@app/event-sourcing/testing';
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

  it.each([0, -5, 1.5, Number.NaN])('refuses an amount of %p', (amount) => {
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
});
