import { EventStore } from 'nest-event-sourcing';
import type { HttpFixture } from 'nest-event-sourcing/testing';
import { BankModule } from '../../apps/bank/src/bank.module';
import { setUpBankApp } from '../../apps/bank/src/set-up-bank-app';
import { waitForCondition } from './app-process';
import { startHttpFixture } from './http-app';
import { createTestDatabase, type TestDatabase } from './test-database';

/** The admin token the bank test apps start with. */
export const ADMIN_TOKEN = 'e2e-admin-token';

/** A bank app over HTTP on a database of its own, with helpers for its tests. */
export interface BankTestApp extends HttpFixture {
  database: TestDatabase;
  /** Opens an account and answers its id. */
  openAccount(owner?: string, initialDeposit?: number): Promise<string>;
  /** How many events the store holds, all streams together. */
  countEvents(): Promise<number>;
  /** How a transfer ended, once it is no longer pending (polled, up to `timeoutMs`). */
  transferOutcome(id: string, timeoutMs?: number): Promise<TransferOutcome>;
  /** The balances of accounts, once the accounts projection has caught up. */
  balances(...ids: string[]): Promise<number[]>;
  close(): Promise<void>;
}

/** A transfer as `GET /transfers/:id` shows it. */
export interface TransferOutcome {
  status: string;
  reason?: string;
}

/** Options of {@link startBankApp}. */
export interface BankAppOptions {
  /** Start on this database (another app's, to restart on it), and keep it on close. */
  database?: TestDatabase;
  /** More environment for the boot (TRANSFER_APPROVAL_LIMIT, say). */
  env?: Record<string, string>;
}

/** Starts the bank app as main.ts does, with ADMIN_TOKEN set, or unset for `adminToken` null. */
export async function startBankApp(
  label: string,
  adminToken: string | null = ADMIN_TOKEN,
  options: BankAppOptions = {},
): Promise<BankTestApp> {
  const database = options.database ?? (await createTestDatabase('postgres', label));
  const fixture = await startHttpFixture(BankModule, setUpBankApp, database.url, {
    ADMIN_TOKEN: adminToken ?? undefined,
    ...options.env,
  });
  const { app, http } = fixture;
  return {
    ...fixture,
    database,
    openAccount: async (owner = 'Ada', initialDeposit) => {
      const response = await http().post('/accounts').send({ owner, initialDeposit }).expect(201);
      return (response.body as { id: string }).id;
    },
    countEvents: async () => (await app.get(EventStore).queryEvents({ limit: null })).length,
    transferOutcome: async (id, timeoutMs = 20_000) => {
      let last: TransferOutcome = { status: 'pending' };
      await waitForCondition(async () => {
        last = (await http().get(`/transfers/${id}`).expect(200)).body as TransferOutcome;
        return last.status !== 'pending';
      }, timeoutMs);
      return last;
    },
    balances: async (...ids) => {
      await waitForCondition(async () => {
        const { body } = await http().get('/health');
        return body.details?.projections?.subscribers?.['bank-accounts']?.lag === 0;
      }, 10_000);
      return Promise.all(
        ids.map(async (id) => (await http().get(`/accounts/${id}`).expect(200)).body.balance as number),
      );
    },
    close: async () => {
      await fixture.close();
      if (!options.database) await database.drop();
    },
  };
}
