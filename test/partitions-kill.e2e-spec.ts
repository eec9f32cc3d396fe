import { PostgresEventStore } from 'nest-event-sourcing';
import { type DataSource } from 'typeorm';
import { builtApp, startAppProcess, waitForCondition, type AppProcess } from './support/app-process';
import { bankReadModelDataSource, seedAccounts, viewsAndFold } from './support/bank-accounts-fold';
import { createTestDatabase, type TestDatabase } from './support/test-database';

// Two bank processes on one database share the accounts projection split into 4
// partitions (BANK_ACCOUNTS_PARTITIONS=4), 2 each, while deposits keep arriving. One is
// killed with SIGKILL; the other takes its partitions over within seconds. In the end the
// read model equals a fold of the events, no event was applied twice, and each
// statement line's balance is the running balance of its account in version order (a
// deposit applied out of its stream's order would show there).
const ACCOUNTS = 120;
const DEPOSITS = 40;
const TOKEN = 'partition-test-token';

interface PartitionOwner {
  partition: number;
  position: string;
  instance: { applicationName: string | null; id?: string } | null;
}

describe('two bank processes sharing 4 partitions of the accounts projection', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const apps = new Map<string, AppProcess>();

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'partitions_kill');
    dataSource = await bankReadModelDataSource(database);
  });

  afterAll(async () => {
    await Promise.all([...apps.values()].map((app) => app.stop('SIGTERM')));
    await dataSource?.destroy();
    await database?.drop();
  });

  /** The partitions of `bank-accounts` as an app's operator route reports them. */
  const partitions = async (app: AppProcess): Promise<PartitionOwner[]> => {
    const response = await fetch(`http://127.0.0.1:${app.port}/admin/subscriptions`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (!response.ok) throw new Error(`status ${response.status}`);
    const { subscribers } = (await response.json()) as {
      subscribers: { name: string; partitions?: PartitionOwner[] }[];
    };
    return subscribers.find((s) => s.name === 'bank-accounts')?.partitions ?? [];
  };

  /** How many partitions each app holds, by its application name. */
  const shares = (owners: PartitionOwner[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const p of owners) {
      const name = p.instance?.applicationName?.split(':')[0];
      if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  };

  it('hands a killed instance its partitions over, every event applied once and in stream order', async () => {
    const store = new PostgresEventStore(dataSource);
    const accounts = await seedAccounts(store, ACCOUNTS, DEPOSITS);

    const bankApp = builtApp('bank');
    const env = (name: string) => ({
      DATABASE_URL: database.url,
      PG_APPLICATION_NAME: name,
      BANK_ACCOUNTS_PARTITIONS: '4',
      ADMIN_TOKEN: TOKEN,
    });
    const [a, b] = await Promise.all([
      startAppProcess(bankApp, env('bank-a')),
      startAppProcess(bankApp, env('bank-b')),
    ]);
    apps.set('bank-a', a).set('bank-b', b);

    // Deposits keep coming, one account after another, until the end of the test.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const accountId = accounts[i % ACCOUNTS]!;
        await store.append(`account-${accountId}`, [
          { type: 'bank.money-deposited', revision: 2, data: { accountId, amount: 1 + (i % 7), balance: null } },
        ]);
        written++;
      }
    })();

    await waitForCondition(
      async () => {
        const counts = shares(await partitions(a));
        return counts.get('bank-a') === 2 && counts.get('bank-b') === 2;
      },
      30_000,
      () => a.output() + b.output(),
    );
    await waitForCondition(async () => written >= 50, 30_000);
    await apps.get('bank-a')!.stop('SIGKILL');
    apps.delete('bank-a');
    const killedAt = Date.now();

    await waitForCondition(
      async () => shares(await partitions(b)).get('bank-b') === 4,
      30_000,
      () => b.output(),
    );
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(20_000);
    expect(b.output()).toMatch(/bank-accounts#\d\/4: running on this instance/);

    await waitForCondition(async () => written >= 150, 30_000);
    writing = false;
    await writer;
    await waitForCondition(
      async () => {
        const [row] = await dataSource.query<{ behind: number }[]>(
          `SELECT count(*)::int AS behind FROM es_events e
            WHERE e.type = 'bank.money-deposited'
              AND NOT EXISTS (SELECT 1 FROM bank_account_transactions t WHERE t.event_id = e.event_id)`,
        );
        return row!.behind === 0;
      },
      60_000,
      () => b.output(),
    );

    const { views, fold } = await viewsAndFold(dataSource);
    expect(views).toHaveLength(ACCOUNTS);
    expect(views).toEqual(fold);
    // The event id is the statement line's key: a second application would have failed the batch.
    const [lines] = await dataSource.query<{ lines: number; deposits: number }[]>(
      `SELECT (SELECT count(*)::int FROM bank_account_transactions) AS lines,
              (SELECT count(*)::int FROM es_events WHERE type = 'bank.money-deposited') AS deposits`,
    );
    expect(lines!.lines).toBe(lines!.deposits);
    const [order] = await dataSource.query<{ wrong: number }[]>(
      `SELECT count(*)::int AS wrong FROM bank_account_transactions t JOIN (
         SELECT event_id, sum((data->>'amount')::bigint) OVER (PARTITION BY stream_id ORDER BY version) AS running
           FROM es_events WHERE type = 'bank.money-deposited') f USING (event_id)
        WHERE t.balance_after <> f.running`,
    );
    expect(order).toEqual({ wrong: 0 });
  }, 240_000);
});
