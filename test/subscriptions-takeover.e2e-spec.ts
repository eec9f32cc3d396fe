import { PostgresEventStore } from 'nest-event-sourcing';
import { type DataSource } from 'typeorm';
import { builtApp, startAppProcess, waitForCondition, type AppProcess } from './support/app-process';
import { bankReadModelDataSource, seedAccounts, viewsAndFold } from './support/bank-accounts-fold';
import { createTestDatabase, type TestDatabase } from './support/test-database';

// Two processes of the bank app on one database: the accounts projection runs on one of
// them at a time. The one running it is killed with SIGKILL in the middle of a catch-up;
// the other takes over from the checkpoint, and the read model ends equal to a fold of
// the events, nothing applied twice.
const ACCOUNTS = 300;
const DEPOSITS = 60;

describe('two bank app processes on one database', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const apps = new Map<string, AppProcess>();

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'takeover');
    dataSource = await bankReadModelDataSource(database);
  });

  afterAll(async () => {
    await Promise.all([...apps.values()].map((app) => app.stop('SIGTERM')));
    await dataSource?.destroy();
    await database?.drop();
  });

  const holder = async (): Promise<string | undefined> => {
    const rows = await dataSource.query<{ application_name: string }[]>(
      `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()
          AND a.application_name LIKE '%:subscriptions'`,
    );
    return rows[0]?.application_name.split(':')[0];
  };

  const checkpoint = async (): Promise<{ last: bigint; done: boolean }> => {
    const [row] = await dataSource.query<{ last_position: string; done: boolean }[]>(
      `SELECT c.last_position,
              NOT EXISTS (SELECT 1 FROM es_events e WHERE (e.transaction_id, e.position) > (c.transaction_id, c.position)) AS done
         FROM es_checkpoints c WHERE c.subscriber = 'bank-accounts'`,
    );
    return { last: BigInt(row?.last_position ?? 0), done: row?.done ?? false };
  };

  it('hands the projection over within seconds of a SIGKILL mid catch-up, the read model equal to the fold', async () => {
    const store = new PostgresEventStore(dataSource);
    await seedAccounts(store, ACCOUNTS, DEPOSITS);
    const total = BigInt(ACCOUNTS * (DEPOSITS + 1));

    const bankApp = builtApp('bank');
    const env = (name: string) => ({ DATABASE_URL: database.url, PG_APPLICATION_NAME: name });
    const [a, b] = await Promise.all([
      startAppProcess(bankApp, env('bank-a')),
      startAppProcess(bankApp, env('bank-b')),
    ]);
    apps.set('bank-a', a).set('bank-b', b);

    // Kill whichever runs the projection, once it has committed some batches but not all.
    await waitForCondition(async () => (await holder()) !== undefined && (await checkpoint()).last > 0n, 30_000);
    const first = (await holder())!;
    const atKill = await checkpoint();
    await apps.get(first)!.stop('SIGKILL');
    expect(atKill.done).toBe(false);
    expect(atKill.last).toBeLessThan(total);

    const survivor = first === 'bank-a' ? 'bank-b' : 'bank-a';
    const killedAt = Date.now();
    await waitForCondition(
      async () => (await holder()) === survivor,
      15_000,
      () => apps.get(survivor)!.output(),
    );
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    await waitForCondition(
      async () => (await checkpoint()).done,
      60_000,
      () => apps.get(survivor)!.output(),
    );

    const { views, fold } = await viewsAndFold(dataSource);
    expect(views).toHaveLength(ACCOUNTS);
    expect(views).toEqual(fold);
    const lines = await dataSource.query<{ lines: number }[]>(
      'SELECT count(*)::int AS lines FROM bank_account_transactions',
    );
    expect(lines).toEqual([{ lines: ACCOUNTS * DEPOSITS }]);
  }, 180_000);
});
