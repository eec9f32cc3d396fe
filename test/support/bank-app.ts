import { EventStore } from '@app/event-sourcing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { BankModule } from '../../apps/bank/src/bank.module';
import { setUpBankApp } from '../../apps/bank/src/set-up-bank-app';
import { startHttpApp } from './http-app';
import { createTestDatabase, type TestDatabase } from './test-database';

/** The admin token the bank test apps start with. */
export const ADMIN_TOKEN = 'e2e-admin-token';

/** A bank app over HTTP on a database of its own, with helpers for its tests. */
export interface BankTestApp {
  app: NestExpressApplication;
  database: TestDatabase;
  http(): ReturnType<typeof request>;
  /** Opens an account and answers its id. */
  openAccount(owner?: string, initialDeposit?: number): Promise<string>;
  /** How many events the store holds, all streams together. */
  countEvents(): Promise<number>;
  close(): Promise<void>;
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
  const app = await startHttpApp(BankModule, setUpBankApp, database.url, {
    ADMIN_TOKEN: adminToken ?? undefined,
    ...options.env,
  });
  const http = () => request(app.getHttpServer());
  return {
    app,
    database,
    http,
    openAccount: async (owner = 'Ada', initialDeposit) => {
      const response = await http().post('/accounts').send({ owner, initialDeposit }).expect(201);
      return (response.body as { id: string }).id;
    },
    countEvents: async () => (await app.get(EventStore).queryEvents({ limit: null })).length,
    close: async () => {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}
