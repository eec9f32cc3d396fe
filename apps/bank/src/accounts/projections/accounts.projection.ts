import { On, Projection, type EventEnvelope, type ProjectionContext } from '@app/event-sourcing';
import type { EntityManager } from 'typeorm';
import { AccountClosed } from '../events/account-closed.event';
import { AccountOpened } from '../events/account-opened.event';
import { MoneyDeposited } from '../events/money-deposited.event';
import { MoneyWithdrawn } from '../events/money-withdrawn.event';
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

  @On(AccountClosed)
  async closed({ data, version, createdAt }: EventEnvelope<AccountClosed>, { manager }: ProjectionContext) {
    await manager.update(AccountView, { id: data.accountId }, { status: 'closed', version, updatedAt: createdAt });
  }

  /** Moves the balance and writes the statement line. */
  private async book(
    manager: EntityManager,
    { eventId, version, createdAt, data }: EventEnvelope<{ accountId: string; amount: number }>,
    kind: AccountTransaction['kind'],
    delta: number,
  ): Promise<void> {
    const updated = await manager
      .createQueryBuilder()
      .update(AccountView)
      .set({ balance: () => 'balance + :delta', version, updatedAt: createdAt })
      .setParameter('delta', delta)
      .where({ id: data.accountId })
      .returning(['balance'])
      .execute();
    const [row] = updated.raw as { balance: string }[];
    await manager.insert(AccountTransaction, {
      eventId,
      accountId: data.accountId,
      version,
      kind,
      amount: data.amount,
      balanceAfter: Number(row?.balance ?? 0),
      at: createdAt,
    });
  }
}
