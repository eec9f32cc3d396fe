import { getDomainEventMetadata, type EventStore, type NewEvent } from 'nest-event-sourcing';
import type { DataSource } from 'typeorm';
import { BenchAccountOpened, DEPOSITED_TYPE } from './bench-account';
import type { ProjectionParams } from './projection-config';
import { runWorkers } from './run-workers';

/** The stored type name of the openings (deposits are `DEPOSITED_TYPE`). */
export const OPENED_TYPE = getDomainEventMetadata(BenchAccountOpened)!.type;

/** What a read model holds once it has applied the whole history: the fold of the events. */
export interface Fold {
  accounts: number;
  /** Sum of the balances. */
  balance: number;
  /** Sum of the versions: each account at its stream's last version. */
  versions: number;
}

/** The stream of account `index`. */
export function accountStream(index: number): string {
  return `acct-${index}`;
}

/** The amount of a deposit, varied so that a lost or doubled deposit shows in the sum. */
export function depositAmount(account: number, version: number): number {
  return 1 + ((account + version) % 10);
}

/**
 * Writes the catch-up history (untimed): per account, an opening and then deposits, in
 * appends of `eventsPerAppend` events with the exact expected version. The appends go
 * round by round over all the accounts, `concurrency` at a time, so that the accounts
 * interleave in global order as they would in a live system. Returns the fold.
 */
export async function seedHistory(store: EventStore, p: ProjectionParams, concurrency: number): Promise<Fold> {
  const fold: Fold = { accounts: p.accounts, balance: 0, versions: p.accounts * p.eventsPerAccount };
  for (let from = 0; from < p.eventsPerAccount; from += p.eventsPerAppend) {
    const count = Math.min(p.eventsPerAppend, p.eventsPerAccount - from);
    let next = 0;
    await runWorkers(concurrency, async () => {
      for (let account = next++; account < p.accounts; account = next++) {
        const events: NewEvent[] = [];
        for (let version = from + 1; version <= from + count; version++) {
          if (version === 1) {
            events.push({ type: OPENED_TYPE, data: { owner: `owner ${account}` } });
          } else {
            const amount = depositAmount(account, version);
            fold.balance += amount;
            events.push({ type: DEPOSITED_TYPE, data: { amount } });
          }
        }
        await store.append(accountStream(account), events, { expectedVersion: from });
      }
    });
  }
  return fold;
}

/**
 * Checks that `table` (the projection's read model or the loop's) holds exactly the fold:
 * nothing missed, nothing applied twice.
 * @throws Error naming the table and both values otherwise.
 */
export async function expectFold(dataSource: DataSource, table: string, fold: Fold): Promise<void> {
  const [row] = await dataSource.query<{ accounts: number; balance: string; versions: string }[]>(
    `SELECT count(*)::int AS accounts, coalesce(sum(balance), 0)::text AS balance,
            coalesce(sum(version), 0)::text AS versions FROM ${table}`,
  );
  const found: Fold = {
    accounts: row?.accounts ?? 0,
    balance: Number(row?.balance ?? 0),
    versions: Number(row?.versions ?? 0),
  };
  if (found.accounts !== fold.accounts || found.balance !== fold.balance || found.versions !== fold.versions) {
    throw new Error(`${table} holds ${JSON.stringify(found)}, not the fold of the events ${JSON.stringify(fold)}.`);
  }
}
