import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { ACCOUNTS_PROJECTION } from '../apps/bank/src/accounts/projections/accounts.projection';
import type { BenchDatabase } from './bench-database';
import { HttpAppProcess } from './http-app-process';
import { ProjectionLagProbe } from './projection-lag-probe';
import { waitUntil } from './wait-until';

export type HttpSideName = 'bank' | 'crud';

/** The balances of a side once its reads show every write. */
export interface Settled {
  /** Sum of all balances. */
  total: number;
  /** How long reads took to show every write (the bank's projection catching up). */
  waitedMs: number;
}

const BANK_MAIN = path.resolve(__dirname, '../apps/bank/src/main.js');
const CRUD_MAIN = path.resolve(__dirname, 'crud-baseline-main.js');

/**
 * One app under load, in a process of its own on a database of its own, with a connection
 * of the benchmark's to check its balances.
 */
export class HttpSide {
  /** The accounts the deposits go to, opened over HTTP. */
  accountIds: readonly string[] = [];

  private constructor(
    readonly name: HttpSideName,
    readonly app: HttpAppProcess,
    private readonly client: Client,
    private readonly settleWith: (side: HttpSide) => Promise<Settled>,
    private readonly adminToken?: string,
  ) {}

  /** The bank app as `npm start` runs it: dist/apps/bank/src/main.js. */
  static startBank(database: BenchDatabase): Promise<HttpSide> {
    // For GET /admin/subscriptions, which the benchmark samples for the projection's lag.
    return HttpSide.start('bank', BANK_MAIN, database, settleBank, randomBytes(16).toString('hex'));
  }

  /** The CRUD baseline: dist/bench/crud-baseline-main.js. */
  static startCrud(database: BenchDatabase): Promise<HttpSide> {
    return HttpSide.start('crud', CRUD_MAIN, database, async (side) => ({
      total: await side.sum('crud_accounts'),
      waitedMs: 0,
    }));
  }

  private static async start(
    name: HttpSideName,
    script: string,
    database: BenchDatabase,
    settle: (side: HttpSide) => Promise<Settled>,
    adminToken?: string,
  ): Promise<HttpSide> {
    const app = await HttpAppProcess.start(name, script, {
      DATABASE_URL: database.url,
      PG_APPLICATION_NAME: `bench-http-${name}`,
      ...(adminToken ? { ADMIN_TOKEN: adminToken } : {}),
    });
    const client = new Client({ connectionString: database.url, application_name: `bench-http-${name}-check` });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await app.stop();
      throw error;
    }
    return new HttpSide(name, app, client, settle, adminToken);
  }

  /** Starts sampling the accounts projection's lag (the bank only; the CRUD app has none). */
  watchProjection(): ProjectionLagProbe | undefined {
    return this.adminToken
      ? ProjectionLagProbe.start(this.app.baseUrl, this.adminToken, ACCOUNTS_PROJECTION)
      : undefined;
  }

  /** Waits until reads show every write so far, then sums the balances. */
  settle(): Promise<Settled> {
    return this.settleWith(this);
  }

  /** The first row of `sql`, on the benchmark's own connection to the side's database. */
  async query<T extends object>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    const { rows } = await this.client.query<T>(sql, params);
    return rows[0];
  }

  /** The sum of the `balance` column of `table`. */
  async sum(table: string): Promise<number> {
    const row = await this.query<{ total: string }>(`SELECT coalesce(sum(balance), 0)::text AS total FROM ${table}`);
    return Number(row?.total ?? 0);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
    await this.app.stop();
  }
}

/**
 * The bank answers a deposit once its event is stored; its accounts projection applies it
 * to the read model afterwards. So: take the store's last position, read through the API with
 * `?minPosition=` until the projection has reached it, then sum the read model.
 */
async function settleBank(side: HttpSide): Promise<Settled> {
  const begin = process.hrtime.bigint();
  const last = await side.query<{ position: string | null }>('SELECT max(position)::text AS position FROM es_events');
  if (last?.position) {
    const url = `${side.app.baseUrl}/accounts?limit=1&minPosition=${last.position}`;
    await waitUntil(
      `the bank's projection to reach position ${last.position}`,
      async () => {
        // The read waits up to 5 s itself, then answers 503.
        const response = await fetch(url);
        await response.arrayBuffer();
        return response.status === 200;
      },
      { timeoutMs: 5 * 60_000 },
    );
  }
  const waitedMs = Number(process.hrtime.bigint() - begin) / 1e6;
  return { total: await side.sum('bank_account_views'), waitedMs };
}
