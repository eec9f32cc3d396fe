import { OnPage, Projection, type EventEnvelope, type ProjectionContext } from 'nest-event-sourcing';
import type { EntityManager } from 'typeorm';
import { AccountClosed } from '../events/account-closed.event';
import { AccountEmailSet } from '../events/account-email-set.event';
import { AccountOpened } from '../events/account-opened.event';
import { MoneyDeposited } from '../events/money-deposited.event';
import { MoneyWithdrawn } from '../events/money-withdrawn.event';
import { TransferDebitSettled } from '../events/transfer-debit-settled.event';
import { AccountTransaction } from './account-transaction.entity';
import { AccountView } from './account-view.entity';

/** The subscriber name of {@link AccountsProjection}: its checkpoint, and what reads wait on. */
export const ACCOUNTS_PROJECTION = 'bank-accounts';

/** The events the projection reads. */
type AccountEvent =
  AccountOpened | AccountEmailSet | MoneyDeposited | MoneyWithdrawn | TransferDebitSettled | AccountClosed;

/** A deposit or withdrawal, as a statement line. */
interface Move {
  eventId: string;
  accountId: string;
  version: number;
  kind: AccountTransaction['kind'];
  amount: number;
  /** What it does to the balance: the amount, negative for a withdrawal. */
  delta: number;
  at: Date;
}

/**
 * The accounts as the API reads them (balance, status, version) and their statements.
 * Async, by page: each page of events is written in a few statements and commits with
 * the checkpoint, so nothing is applied twice. Deposits and withdrawals, nearly every
 * event, go in runs: one statement moves the balances of a run and writes its statement
 * lines; the rarer events are written one by one, in their place in the order.
 */
@Projection(ACCOUNTS_PROJECTION, { readModels: [AccountTransaction, AccountView] })
export class AccountsProjection {
  @OnPage(AccountOpened, AccountEmailSet, MoneyDeposited, MoneyWithdrawn, TransferDebitSettled, AccountClosed)
  async apply(events: EventEnvelope<AccountEvent>[], { manager }: ProjectionContext) {
    let run: Move[] = [];
    for (const event of events) {
      const move = moveOf(event);
      if (move) {
        run.push(move);
        continue;
      }
      await this.book(manager, run);
      run = [];
      await this.change(manager, event);
    }
    await this.book(manager, run);
  }

  /** An account opened, given an email, closed, or its version moved by a settled transfer debit. */
  private async change(manager: EntityManager, { data, version, createdAt }: EventEnvelope<AccountEvent>) {
    if (data instanceof AccountOpened) {
      await manager.insert(AccountView, {
        id: data.accountId,
        owner: data.owner,
        balance: 0,
        status: 'open',
        version,
        openedAt: data.openedAt,
        updatedAt: createdAt,
      });
    } else if (data instanceof AccountEmailSet) {
      await manager.update(AccountView, { id: data.accountId }, { email: data.email, version, updatedAt: createdAt });
    } else if (data instanceof AccountClosed) {
      await manager.update(AccountView, { id: data.accountId }, { status: 'closed', version, updatedAt: createdAt });
    } else {
      // No money moves, but the account's version does: the read model's ETag must follow it.
      await manager.update(AccountView, { id: data.accountId }, { version, updatedAt: createdAt });
    }
  }

  /**
   * Moves the balances of a run of deposits and withdrawals and writes their statement
   * lines, in one statement: each account's balance moves by the run's sum, and each
   * line's balance is the balance before the run plus the moves up to it, in order.
   */
  private async book(manager: EntityManager, run: Move[]): Promise<void> {
    if (run.length === 0) return;
    await manager.query(
      `WITH e AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::text[], $5::bigint[], $6::bigint[], $7::timestamptz[])
           WITH ORDINALITY AS e(event_id, account_id, version, kind, amount, delta, at, n)),
       per_account AS (
         SELECT account_id, sum(delta) AS delta, max(version) AS version, max(at) AS at FROM e GROUP BY account_id),
       moved AS (
         UPDATE bank_account_views v SET balance = v.balance + p.delta, version = p.version, updated_at = p.at
           FROM per_account p WHERE v.id = p.account_id
         RETURNING v.id, v.balance - p.delta AS before)
       INSERT INTO bank_account_transactions (event_id, account_id, version, kind, amount, balance_after, at)
       SELECT e.event_id, e.account_id, e.version, e.kind, e.amount,
              m.before + sum(e.delta) OVER (PARTITION BY e.account_id ORDER BY e.n), e.at
         FROM e JOIN moved m ON m.id = e.account_id`,
      [
        run.map((m) => m.eventId),
        run.map((m) => m.accountId),
        run.map((m) => m.version),
        run.map((m) => m.kind),
        run.map((m) => m.amount),
        run.map((m) => m.delta),
        run.map((m) => m.at),
      ],
    );
  }
}

/** The statement line of a deposit or withdrawal; undefined for the other events. */
function moveOf({ eventId, version, createdAt, data }: EventEnvelope<AccountEvent>): Move | undefined {
  if (data instanceof MoneyDeposited || data instanceof MoneyWithdrawn) {
    const kind = data instanceof MoneyDeposited ? 'deposit' : 'withdrawal';
    const delta = kind === 'deposit' ? data.amount : -data.amount;
    return { eventId, accountId: data.accountId, version, kind, amount: data.amount, delta, at: createdAt };
  }
  return undefined;
}
