import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import {
  createTestDatabase,
  whileRefusingConnections,
  type TestDatabase,
} from '../../../../test/support/test-database';
import { captureLogs } from '../../../../test/support/captured-logs';
import { applyDeposit, bootLedger, ledgerControl } from '../../../../test/support/ledger-fixtures';
import { CheckpointConflictError } from '../errors/checkpoint-conflict-error';
import { UnknownSubscriberError } from '../errors/unknown-subscriber-error';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import { EventStore, type EventStoreTransaction } from '../store/event-store';
import { CheckpointStore } from './checkpoint-store';
import type { SubscriberStatus } from './subscriber-status';
import { Subscriptions } from './subscriptions';
import { SubscriptionsHealthIndicator } from './subscriptions-health-indicator';

const PROJECTION = 'ledger-balances';
const RECORDER = 'ledger-recorder';

describe('Subscriptions on PostgreSQL', () => {
  let database: TestDatabase;
  const opened: TestingModule[] = [];

  const boot = async (...args: Parameters<typeof bootLedger> extends [string, ...infer R] ? R : never) => {
    const moduleRef = await bootLedger(database.url, ...args);
    opened.push(moduleRef);
    return moduleRef;
  };

  const deposit = (store: EventStore, account: string, amount: number) =>
    store.append(`ledger-${account}`, [{ type: 'ledger.deposited', data: { account, amount } }]);

  const note = (store: EventStore, text: string) => store.append('notes-1', [{ type: 'ledger.noted', data: { text } }]);

  /** The balances as the read model has them, and as a fold of the stored events. */
  const compare = async (moduleRef: TestingModule) => {
    const dataSource = moduleRef.get(DataSource);
    const model = await dataSource.query<{ account: string; balance: string; deposits: number }[]>(
      'SELECT account, balance, deposits FROM ledger_balances ORDER BY account',
    );
    const fold = await dataSource.query<{ account: string; balance: string; deposits: number }[]>(
      `SELECT data->>'account' AS account, sum((data->>'amount')::bigint)::text AS balance, count(*)::int AS deposits
         FROM es_events WHERE type = 'ledger.deposited' GROUP BY 1 ORDER BY 1`,
    );
    return { model, fold };
  };

  beforeEach(async () => {
    database = await createTestDatabase('postgres', 'subscriptions');
    Object.assign(ledgerControl, {
      poisonAmount: -1,
      failing: false,
      attempts: 0,
      delayMs: 0,
      handled: [],
      replayed: 0,
    });
  });

  /** Run after the test's modules are closed (so what they log on the way out is still captured). */
  const cleanups: (() => void)[] = [];
  const afterThis = (cleanup: () => void): void => {
    cleanups.push(cleanup);
  };

  afterEach(async () => {
    for (const moduleRef of opened.splice(0).reverse()) await moduleRef.close();
    for (const cleanup of cleanups.splice(0)) cleanup();
    await database.drop();
  });

  it('catches up from the start, its read model equal to a fold of the events, and reports its status', async () => {
    const moduleRef = await boot();
    const store = moduleRef.get(EventStore);
    for (let i = 0; i < 250; i++) await deposit(store, `a${i % 5}`, i + 1);
    const subscriptions = moduleRef.get(Subscriptions);
    await subscriptions.waitUntilCaughtUp();

    const { model, fold } = await compare(moduleRef);
    expect(model).toEqual(fold);
    expect(model).toHaveLength(5);
    const status = await subscriptions.statusOf(PROJECTION);
    expect(status).toMatchObject({ kind: 'projection', state: 'caught-up', lag: 0, parked: 0 });
    expect(status.position).toBe(status.head);
    expect(status.instance).toMatchObject({ local: true, applicationName: 'event-sourcing:subscriptions' });
  });

  it('is woken by an append at once, not at its next poll', async () => {
    const moduleRef = await boot({ subscriptions: { pollIntervalMs: 60_000 } });
    const subscriptions = moduleRef.get(Subscriptions);
    await subscriptions.waitUntilCaughtUp([PROJECTION], { timeoutMs: 10_000 });
    const { position } = await deposit(moduleRef.get(EventStore), 'w', 5);
    await subscriptions.waitFor(PROJECTION, position, { timeoutMs: 10_000 });
  });

  it("is woken by another instance's append through NOTIFY", async () => {
    const worker = await boot({ subscriptions: { pollIntervalMs: 60_000 } });
    const api = await boot({ subscriptions: { run: false } });
    const subscriptions = worker.get(Subscriptions);
    await subscriptions.waitUntilCaughtUp([PROJECTION], { timeoutMs: 10_000 });
    // The API instance's own signal reaches only itself; the worker hears its NOTIFY.
    const { position } = await deposit(api.get(EventStore), 'n', 7);
    await subscriptions.waitFor(PROJECTION, position, { timeoutMs: 10_000 });
    expect((await api.get(Subscriptions).statusOf(PROJECTION)).instance).toMatchObject({ local: false });
  });

  it('does not skip an event whose transaction took a lower position and commits later; it reports the wait', async () => {
    const moduleRef = await boot();
    const store = moduleRef.get(EventStore);
    const subscriptions = moduleRef.get(Subscriptions);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const inserted = new Promise<void>((resolve) => (appended = resolve));
    const slow = store.transaction(async (tx) => {
      const result = await tx.append('ledger-slow', [
        { type: 'ledger.deposited', data: { account: 'slow', amount: 100 } },
      ]);
      appended();
      await gate;
      return result;
    });
    await inserted;
    const fast = await deposit(store, 'fast', 1);
    const slowPosition = (await Promise.race([slow, new Promise<undefined>((r) => setTimeout(() => r(undefined), 10))]))
      ?.position;
    expect(slowPosition).toBeUndefined();

    // The fast event is committed but hidden behind the open transaction, and the status says why.
    // The status that says held-back must itself name the transaction: a second read is
    // another moment (seen once under load: held back, then not).
    let held!: SubscriberStatus;
    await waitUntil(async () => (held = await subscriptions.statusOf(PROJECTION)).state === 'held-back');
    expect(held.heldBackBy).toMatchObject({ pid: expect.any(Number), since: expect.any(Date) });
    expect(await moduleRef.get(DataSource).query('SELECT * FROM ledger_balances')).toEqual([]);

    release();
    const { position } = await slow;
    expect(position).toBeLessThan(fast.position);
    await subscriptions.waitUntilCaughtUp();
    const { model, fold } = await compare(moduleRef);
    expect(model).toEqual(fold);
    expect(model.map((m) => m.account)).toEqual(['fast', 'slow']);
  });

  it('skips nothing while concurrent writers commit out of position order', async () => {
    const moduleRef = await boot();
    const store = moduleRef.get(EventStore);
    const subscriptions = moduleRef.get(Subscriptions);
    const depositIn = (tx: EventStoreTransaction, account: string, amount: number) =>
      tx.append(`ledger-${account}`, [{ type: 'ledger.deposited', data: { account, amount } }]);
    // One crossing for sure: A takes its transaction id first (a note), B deposits and
    // commits, then A deposits: A's deposit has the higher position and the lower id.
    let bDone!: () => void;
    const bCommitted = new Promise<void>((resolve) => (bDone = resolve));
    let aNoted!: () => void;
    const aStarted = new Promise<void>((resolve) => (aNoted = resolve));
    const a = store.transaction(async (tx) => {
      await tx.append('notes-a', [{ type: 'ledger.noted', data: { text: 'a' } }]);
      aNoted();
      await bCommitted;
      await depositIn(tx, 'ca', 1);
    });
    await aStarted;
    await store.transaction((tx) => depositIn(tx, 'cb', 1));
    bDone();
    await a;
    // And many more by chance: writers that hold their transaction open between two appends.
    const writer = async (w: number) => {
      for (let i = 0; i < 25; i++) {
        await store.transaction(async (tx) => {
          await tx.append(`notes-w${w}`, [{ type: 'ledger.noted', data: { text: `w${w}` } }]);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
          await depositIn(tx, `c${w}`, i + 1);
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    const [crossed] = await moduleRef.get(DataSource).query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM es_events a JOIN es_events b
             ON a.position < b.position AND a.transaction_id > b.transaction_id
          WHERE a.type = 'ledger.deposited' AND b.type = 'ledger.deposited'`,
    );
    expect(crossed!.n).toBeGreaterThan(0);
    await subscriptions.waitUntilCaughtUp();
    const { model, fold } = await compare(moduleRef);
    expect(model).toEqual(fold);
    expect(model.map((m) => m.deposits)).toEqual([...Array(8).fill(25), 1, 1]);
  });

  it('resumes from its checkpoint after a restart in the middle of a catch-up, applying nothing twice', async () => {
    const seeder = await boot({ subscriptions: { run: false } });
    for (let i = 0; i < 600; i++) await deposit(seeder.get(EventStore), `r${i % 7}`, i + 1);
    ledgerControl.delayMs = 2;
    const first = await boot();
    const subscriptions = first.get(Subscriptions);
    await waitUntil(async () => (await subscriptions.statusOf(PROJECTION)).position > 100n);
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    const stoppedAt = (await seeder.get(Subscriptions).statusOf(PROJECTION)).position;
    expect(stoppedAt).toBeGreaterThan(0n);
    expect(stoppedAt).toBeLessThan(600n);

    ledgerControl.delayMs = 0;
    const second = await boot();
    await second.get(Subscriptions).waitUntilCaughtUp();
    const { model, fold } = await compare(second);
    expect(model).toEqual(fold);
  });

  it('fences a stale instance: a batch whose checkpoint moved meanwhile rolls back whole', async () => {
    const moduleRef = await boot({ subscriptions: { run: false } });
    const dataSource = moduleRef.get(DataSource);
    const checkpoints = new CheckpointStore(dataSource, 'public');
    await checkpoints.ensure('fenced');
    await checkpoints.move('fenced', {
      from: { transactionId: 0n, position: 0n },
      to: { transactionId: 5n, position: 9n },
    });
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await applyDeposit(runner.manager, 'stale', 1);
    await expect(
      checkpoints.move(
        'fenced',
        { from: { transactionId: 0n, position: 0n }, to: { transactionId: 6n, position: 10n } },
        runner,
      ),
    ).rejects.toThrow(CheckpointConflictError);
    await runner.rollbackTransaction();
    await runner.release();
    expect(await dataSource.query('SELECT * FROM ledger_balances')).toEqual([]);
    expect((await checkpoints.load('fenced')).cursor).toEqual({ transactionId: 5n, position: 9n });
  });

  it('retries a failing projection event, parks it and stops there, then resumes when it is retried', async () => {
    const moduleRef = await boot();
    // After the boot: compiling a testing module installs Nest's testing logger.
    const logs = captureLogs();
    afterThis(() => logs.restore());
    const store = moduleRef.get(EventStore);
    const subscriptions = moduleRef.get(Subscriptions);
    Object.assign(ledgerControl, { poisonAmount: 13, failing: true });
    await deposit(store, 'p', 1);
    const poison = await deposit(store, 'p', 13);
    await deposit(store, 'p', 2);

    await waitUntil(async () => (await subscriptions.statusOf(PROJECTION)).state === 'parked');
    expect(ledgerControl.attempts).toBe(3);
    const [parked] = await subscriptions.parked(PROJECTION);
    expect(parked).toMatchObject({
      subscriber: PROJECTION,
      type: 'ledger.deposited',
      attempts: 3,
      position: poison.position,
    });
    expect(parked!.error).toContain('amount 13 is poison');
    expect(logs.at('error')).toEqual([
      expect.stringContaining(`${PROJECTION}: parked ledger.deposited ${parked!.eventId} (ledger-p@2) after 3 tries`),
    ]);
    expect((await compare(moduleRef)).model).toEqual([{ account: 'p', balance: '1', deposits: 1 }]);
    const health = await moduleRef.get(SubscriptionsHealthIndicator).isHealthy();
    expect(health.subscriptions).toMatchObject({ status: 'down', problems: [`${PROJECTION} is parked`] });

    ledgerControl.failing = false;
    await expect(subscriptions.retryParked(PROJECTION, parked!.eventId)).resolves.toBe('resumed');
    await subscriptions.waitUntilCaughtUp();
    const { model, fold } = await compare(moduleRef);
    expect(model).toEqual(fold);
    expect(await subscriptions.parked()).toEqual([]);
    expect((await moduleRef.get(SubscriptionsHealthIndicator).isHealthy()).subscriptions).toMatchObject({
      status: 'up',
    });
  });

  it('parks a failing side effect and skips it; retried later, it is handled once', async () => {
    const moduleRef = await boot();
    // After the boot: compiling a testing module installs Nest's testing logger.
    const logs = captureLogs();
    afterThis(() => logs.restore());
    const store = moduleRef.get(EventStore);
    const subscriptions = moduleRef.get(Subscriptions);
    ledgerControl.failing = true;
    const boom = await note(store, 'boom');
    await note(store, 'after');
    await subscriptions.waitUntilCaughtUp([RECORDER]);
    const [parked] = await subscriptions.parked(RECORDER);
    expect(parked).toMatchObject({ attempts: 2, error: 'boom on try 2', position: boom.position });
    expect(logs.at('error')).toEqual([expect.stringContaining(`${RECORDER}: parked ledger.noted ${parked!.eventId}`)]);
    expect(ledgerControl.handled).toHaveLength(1);

    ledgerControl.failing = false;
    await expect(subscriptions.retryParked(RECORDER, parked!.eventId)).resolves.toBe('handled');
    expect(ledgerControl.handled).toEqual([expect.any(String), parked!.eventId]);
    expect(await subscriptions.parked(RECORDER)).toEqual([]);
  });

  it('rebuilds a projection from the first event with progress, without re-running side effects', async () => {
    const moduleRef = await boot();
    const store = moduleRef.get(EventStore);
    const subscriptions = moduleRef.get(Subscriptions);
    for (let i = 0; i < 300; i++) await deposit(store, `b${i % 3}`, 1);
    await note(store, 'once');
    await subscriptions.waitUntilCaughtUp();
    expect(ledgerControl.handled).toHaveLength(1);

    ledgerControl.delayMs = 1;
    const started = await subscriptions.rebuild(PROJECTION);
    expect(['rebuilding', 'caught-up']).toContain(started.state);
    await waitUntil(async () => ((await subscriptions.statusOf(PROJECTION)).rebuild?.done ?? 0) > 0);
    const progress = (await subscriptions.statusOf(PROJECTION)).rebuild!;
    expect(progress.total).toBe(300);
    expect(progress.percent).toBeGreaterThan(0);
    expect(progress.eventsPerSecond).toBeGreaterThanOrEqual(0);
    await waitUntil(async () => (await subscriptions.statusOf(PROJECTION)).state === 'caught-up', 20_000);

    expect(ledgerControl.replayed).toBe(300);
    const { model, fold } = await compare(moduleRef);
    expect(model).toEqual(fold);
    expect(ledgerControl.handled).toHaveLength(1);
    await expect(subscriptions.rebuild(RECORDER)).rejects.toThrow(UnsupportedOperationError);
    await expect(subscriptions.rebuild('nope')).rejects.toThrow(UnknownSubscriberError);
  });

  it('survives killed connections and a database that refuses them, resuming from its checkpoint', async () => {
    const moduleRef = await boot();
    const store = moduleRef.get(EventStore);
    const subscriptions = moduleRef.get(Subscriptions);
    for (let i = 0; i < 50; i++) await deposit(store, 'o', 1);
    await whileRefusingConnections(database, () =>
      waitUntil(async () => subscriptions.localState(PROJECTION) === 'failing'),
    );
    const started = Date.now();
    await waitUntil(async () => {
      await deposit(store, 'o', 1);
      return true;
    });
    await subscriptions.waitUntilCaughtUp([PROJECTION], { timeoutMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    const { model, fold } = await compare(moduleRef);
    expect(model).toEqual(fold);
  });

  it('runs an inline projection in the append transaction; when it throws, the append rolls back', async () => {
    const moduleRef = await boot({ subscriptions: { run: false } });
    const store = moduleRef.get(EventStore);
    const dataSource = moduleRef.get(DataSource);
    const { position } = await note(store, 'hello');
    // Visible as soon as the append returns: no subscriber involved.
    expect(await dataSource.query('SELECT text, position FROM ledger_notes')).toEqual([
      { text: 'hello', position: position.toString() },
    ]);

    await expect(note(store, 'reject')).rejects.toThrow('notes saying "reject" are refused');
    await expect(
      store.transaction(async (tx) => {
        await tx.append('notes-2', [{ type: 'ledger.noted', data: { text: 'kept?' } }]);
        await tx.append('notes-2', [{ type: 'ledger.noted', data: { text: 'reject' } }]);
      }),
    ).rejects.toThrow('refused');
    // Caught inside the transaction, a failed inline projection still takes its events with it.
    await store.transaction(async (tx) => {
      await tx.append('notes-3', [{ type: 'ledger.noted', data: { text: 'kept' } }]);
      await expect(tx.append('notes-4', [{ type: 'ledger.noted', data: { text: 'reject' } }])).rejects.toThrow();
    });
    expect(await store.streamVersion('notes-1')).toBe(1);
    expect(await store.streamVersion('notes-2')).toBe(0);
    expect(await store.streamVersion('notes-3')).toBe(1);
    expect(await store.streamVersion('notes-4')).toBe(0);
    expect(await dataSource.query('SELECT text FROM ledger_notes ORDER BY position')).toEqual([
      { text: 'hello' },
      { text: 'kept' },
    ]);
    expect(await store.queryEvents({ types: ['ledger.noted'], order: 'oldest-first' })).toMatchObject([
      { data: { text: 'hello' } },
      { data: { text: 'kept' } },
    ]);
  });

  it('pauses and resumes a subscriber on every instance', async () => {
    const moduleRef = await boot();
    const subscriptions = moduleRef.get(Subscriptions);
    await subscriptions.pause(PROJECTION);
    await deposit(moduleRef.get(EventStore), 'z', 3);
    await waitUntil(async () => (await subscriptions.statusOf(PROJECTION)).state === 'stopped');
    expect((await subscriptions.statusOf(PROJECTION)).lag).toBe(1);
    await subscriptions.resume(PROJECTION);
    await subscriptions.waitUntilCaughtUp([PROJECTION]);
  });
});

/** Polls `check` until it holds, failing after `timeoutMs`. */
async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet: the database may be coming back
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
