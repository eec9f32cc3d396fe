import { On, Projection, type EventEnvelope, type ProjectionContext } from 'nest-event-sourcing';
import type { EntityManager } from 'typeorm';
import { AccountClosed } from '../events/account-closed.event';
import { AccountOpened } from '../events/account-opened.event';
import { MoneyDeposited } from '../events/money-deposited.event';
import { MoneyWithdrawn } from '../events/money-withdrawn.event';
import { TransferDebitSettled } from '../events/transfer-debit-settled.event';
import { AccountTransaction } from './account-transaction.entity';
import { AccountView } from './account-view.entity';

/** The subscriber name of {@link AccountsProjection}: its checkpoint, and what reads wait on. */
export const ACCOUNTS_PROJECTION = 'bank-accounts';

/**
 * The accounts as the API reads them (balance, status, version) and their statements.
 * Async: each batch of events commits with the checkpoint, so nothing is applied twice.
 */
@Projection(ACCOUNTS_PROJECTION, { readModels: [AccountTransaction, AccountView] })
export class AccountsProjection {
  @On(AccountOpened)
  async opened({ data, version, createdAt }: EventEnvelope<AccountOpened>, { manager }: ProjectionContext) {
    await manager.insert(AccountView, {
      id: data.accountId,
      owner: data.owner,
      balance: 0,
      status: 'open',
      version,
      openedAt: data.openedAt,
      updatedAt: createdAt,
    });
  }

  @On(MoneyDeposited)
  async deposited(event: EventEnvelope<MoneyDeposited>, { manager }: ProjectionContext) {
    await this.book(manager, event, 'deposit', event.data.amount);
  }

  @On(MoneyWithdrawn)
  async withdrawn(event: EventEnvelope<MoneyWithdrawn>, { manager }: ProjectionContext) {
    await this.book(manager, event, 'withdrawal', -event.data.amount);
  }

  /** No money moves, but the account's version does: the read model's ETag must follow it. */
  @On(TransferDebitSettled)
  async debitSettled(
    { data, version, createdAt }: EventEnvelope<TransferDebitSettled>,
    { manager }: ProjectionContext,
  ) {
    await manager.update(AccountView, { id: data.accountId }, { version, updatedAt: createdAt });
  }

  @On(AccountClosed)
  async closed({ data, version, createdAt }: EventEnvelope<AccountClosed>, { manager }: ProjectionContext) {
    await manager.update(AccountView, { id: data.accountId }, { status: 'closed', version, updatedAt: createdAt });
  }

  /**
   * Moves the balance and writes the statement line, in one statement: this runs for
   * every deposit and withdrawal, so it is plain SQL rather than two query builders.
   */
  private async book(
    manager: EntityManager,
    { eventId, version, createdAt, data }: EventEnvelope<{ accountId: string; amount: number }>,
    kind: AccountTransaction['kind'],
    delta: number,
  ): Promise<void> {
    await manager.query(
      `WITH moved AS (
         UPDATE bank_account_views SET balance = balance + $3, version = $4, updated_at = $5
          WHERE id = $2 RETURNING balance)
       INSERT INTO bank_account_transactions (event_id, account_id, version, kind, amount, balance_after, at)
       SELECT $1, $2, $4, $6, $7, moved.balance, $5 FROM moved`,
      [eventId, data.accountId, delta, version, createdAt, kind, data.amount],
    );
  }
}
