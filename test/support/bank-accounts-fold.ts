import { randomUUID } from 'node:crypto';
import { eventStoreMigrations, type PostgresEventStore, type NewEvent } from 'nest-event-sourcing';
import { DataSource } from 'typeorm';
import { AccountEmail1765100000001 } from '../../apps/bank/src/accounts/projections/account-email.migration';
import { AccountPersonalData1765200000001 } from '../../apps/bank/src/accounts/projections/account-personal-data.migration';
import { AccountReadModel1764300000000 } from '../../apps/bank/src/accounts/projections/account-read-model.migration';
import type { TestDatabase } from './test-database';

/** A data source on a test database with the store's tables and the bank's read model. */
export async function bankReadModelDataSource(database: TestDatabase): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    migrations: [
      ...eventStoreMigrations(),
      AccountReadModel1764300000000,
      AccountEmail1765100000001,
      AccountPersonalData1765200000001,
    ],
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
}

/**
 * Appends `accounts` bank accounts, each opened with `deposits` deposits (of d + a cents),
 * straight into the store; returns their ids.
 */
export async function seedAccounts(store: PostgresEventStore, accounts: number, deposits: number): Promise<string[]> {
  const ids: string[] = [];
  for (let a = 0; a < accounts; a++) {
    const accountId = randomUUID();
    ids.push(accountId);
    const events: NewEvent[] = [
      { type: 'bank.account-opened', data: { accountId, owner: `owner ${a}`, openedAt: new Date().toISOString() } },
    ];
    for (let d = 1; d <= deposits; d++) {
      events.push({ type: 'bank.money-deposited', revision: 2, data: { accountId, amount: d + a, balance: null } });
    }
    await store.append(`account-${accountId}`, events, { expectedVersion: 'no_stream' });
  }
  return ids;
}

/** An account as the read model has it, and as the fold of its events says. */
export interface AccountRow {
  id: string;
  balance: string;
  version: number;
}

/** The accounts of the read model, and the fold of the store's events, both by id. */
export async function viewsAndFold(dataSource: DataSource): Promise<{ views: AccountRow[]; fold: AccountRow[] }> {
  const views = await dataSource.query<AccountRow[]>(
    'SELECT id, balance::text AS balance, version FROM bank_account_views ORDER BY id',
  );
  const fold = await dataSource.query<AccountRow[]>(
    `SELECT data->>'accountId' AS id,
            coalesce(sum((data->>'amount')::bigint) FILTER (WHERE type = 'bank.money-deposited'), 0)::text AS balance,
            max(version)::int AS version
       FROM es_events GROUP BY 1 ORDER BY 1`,
  );
  return { views, fold };
}
