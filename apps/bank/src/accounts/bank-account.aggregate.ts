import { Aggregate, AggregateRoot, Apply, NaturalKey } from 'nest-event-sourcing';
import { AccountAlreadyOpenedError } from './errors/account-already-opened.error';
import { AccountClosedError } from './errors/account-closed.error';
import { AccountNotEmptyError } from './errors/account-not-empty.error';
import { AccountNotOpenError } from './errors/account-not-open.error';
import { BalanceLimitError } from './errors/balance-limit.error';
import { InsufficientFundsError } from './errors/insufficient-funds.error';
import { InvalidAmountError } from './errors/invalid-amount.error';
import { TransferNotDebitedError } from './errors/transfer-not-debited.error';
import { AccountClosed } from './events/account-closed.event';
import { AccountEmailSet } from './events/account-email-set.event';
import { AccountOpened } from './events/account-opened.event';
import { MoneyDeposited } from './events/money-deposited.event';
import { MoneyWithdrawn } from './events/money-withdrawn.event';
import { TransferDebitSettled } from './events/transfer-debit-settled.event';
import { MAX_BALANCE } from './money';

/**
 * A bank account: the balance, in cents, is never negative and never passes
 * {@link MAX_BALANCE}, so it is always exact. Transfers move money with their own
 * commands, each idempotent by transfer: a transfer debits, credits or refunds an
 * account at most once, however often the command comes.
 *
 * The limit counts the debits of transfers still in flight (`openDebits`), since each
 * may come back as a refund, which must never be refused: money that left an account
 * must be able to return. A debit stops counting when it is refunded or settled (its
 * transfer reached the target). So the balance stays within the limit on every path.
 */
// Snapshot revision 5: the state gained `email`.
@Aggregate('account', { snapshots: { every: 100 }, snapshotRevision: 5 })
export class BankAccount extends AggregateRoot {
  owner = '';
  /** Unique among accounts, compared trimmed and case-insensitively: the repository keeps it so. */
  @NaturalKey('email', { ignoreCase: true, trim: true })
  email: string | null = null;
  balance = 0;
  status: 'new' | 'open' | 'closed' = 'new';
  openedAt?: Date;
  /** `<transferId>:debit|credit|refund` of every transfer move applied. */
  transferMoves: string[] = [];
  /** The amount of each transfer debited and neither refunded nor settled yet. */
  openDebits: Record<string, number> = {};
  /** The references of the external deposits applied. */
  references: string[] = [];

  open(owner: string, initialDeposit = 0, at = new Date()): void {
    if (this.status !== 'new') throw new AccountAlreadyOpenedError(this.id);
    if (initialDeposit !== 0) this.assertRoomFor(initialDeposit);
    this.apply(new AccountOpened(this.id, owner, at));
    if (initialDeposit > 0) this.apply(new MoneyDeposited(this.id, initialDeposit, initialDeposit));
  }

  /** Gives the account an email; `AccountsRepository.save` fails with 409 when another account has it. */
  setEmail(email: string): void {
    this.assertOpen();
    if (email.trim().toLowerCase() === this.email?.toLowerCase()) return;
    this.apply(new AccountEmailSet(this.id, email.trim().toLowerCase()));
  }

  deposit(amount: number): void {
    this.assertOpen();
    this.assertRoomFor(amount);
    this.apply(new MoneyDeposited(this.id, amount, this.balance + amount));
  }

  /** An external deposit (from the broker); a second one with the same reference does nothing. */
  depositExternal(reference: string, amount: number): void {
    if (this.references.includes(reference)) return;
    this.assertOpen();
    this.assertRoomFor(amount);
    this.apply(new MoneyDeposited(this.id, amount, this.balance + amount, undefined, undefined, reference));
  }

  withdraw(amount: number): void {
    this.assertOpen();
    assertAmount(amount);
    if (amount > this.balance) throw new InsufficientFundsError(this.id, this.balance, amount);
    this.apply(new MoneyWithdrawn(this.id, amount, this.balance - amount));
  }

  /** Takes a transfer's amount out; a second debit of the same transfer does nothing. */
  debitForTransfer(transferId: string, amount: number): void {
    if (this.transferMoves.includes(`${transferId}:debit`)) return;
    this.assertOpen();
    assertAmount(amount);
    if (amount > this.balance) throw new InsufficientFundsError(this.id, this.balance, amount);
    this.apply(new MoneyWithdrawn(this.id, amount, this.balance - amount, transferId));
  }

  /** Puts a transfer's amount in; refused on a closed account (the transfer then refunds). */
  creditForTransfer(transferId: string, amount: number): void {
    if (this.transferMoves.includes(`${transferId}:credit`)) return;
    this.assertOpen();
    this.assertRoomFor(amount);
    this.apply(new MoneyDeposited(this.id, amount, this.balance + amount, transferId));
  }

  /**
   * Gives back the debit of a transfer that failed. Accepted on a closed account too:
   * money that left an account must be able to come back.
   */
  refundTransfer(transferId: string, amount: number): void {
    if (this.transferMoves.includes(`${transferId}:refund`)) return;
    if (!this.transferMoves.includes(`${transferId}:debit`)) throw new TransferNotDebitedError(this.id, transferId);
    assertAmount(amount);
    this.apply(new MoneyDeposited(this.id, amount, this.balance + amount, transferId, true));
  }

  /** The transfer that debited this account reached its target: the debit cannot come back. Idempotent. */
  settleTransferDebit(transferId: string): void {
    if (!Object.hasOwn(this.openDebits, transferId)) return;
    this.apply(new TransferDebitSettled(this.id, transferId));
  }

  /** The balance plus every debit that may still come back as a refund. */
  get committedBalance(): number {
    return Object.values(this.openDebits).reduce((sum, amount) => sum + amount, this.balance);
  }

  close(at = new Date()): void {
    this.assertOpen();
    if (this.balance !== 0) throw new AccountNotEmptyError(this.id, this.balance);
    this.apply(new AccountClosed(this.id, at));
  }

  @Apply(AccountOpened)
  protected onOpened(event: AccountOpened): void {
    this.owner = event.owner;
    this.openedAt = event.openedAt;
    this.status = 'open';
  }

  @Apply(AccountEmailSet)
  protected onEmailSet(event: AccountEmailSet): void {
    this.email = event.email;
  }

  @Apply(MoneyDeposited)
  protected onDeposited(event: MoneyDeposited): void {
    this.balance += event.amount;
    if (event.transferId) this.transferMoves.push(`${event.transferId}:${event.refund ? 'refund' : 'credit'}`);
    if (event.transferId && event.refund) delete this.openDebits[event.transferId];
    if (event.reference) this.references.push(event.reference);
  }

  @Apply(MoneyWithdrawn)
  protected onWithdrawn(event: MoneyWithdrawn): void {
    this.balance -= event.amount;
    if (event.transferId) {
      this.transferMoves.push(`${event.transferId}:debit`);
      this.openDebits[event.transferId] = event.amount;
    }
  }

  @Apply(TransferDebitSettled)
  protected onDebitSettled(event: TransferDebitSettled): void {
    delete this.openDebits[event.transferId];
  }

  @Apply(AccountClosed)
  protected onClosed(): void {
    this.status = 'closed';
  }

  /** A valid amount that keeps the balance, transfers in flight included, within the limit. */
  private assertRoomFor(amount: number): void {
    assertAmount(amount);
    const committed = this.committedBalance;
    if (committed + amount > MAX_BALANCE) throw new BalanceLimitError(this.id, committed, amount);
  }

  private assertOpen(): void {
    if (this.status === 'closed') throw new AccountClosedError(this.id);
    if (this.status === 'new') throw new AccountNotOpenError(this.id);
  }
}

function assertAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_BALANCE) throw new InvalidAmountError(amount);
}
