import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { bulkLoadEvents } from '../../../../test/support/bulk-events';
import { createPostgresSubject } from '../../../../test/support/postgres-store';
import {
  captureStatements,
  explain,
  seqScansOf,
  type ExplainedPlan,
  type SentStatement,
} from '../../../../test/support/query-plans';
import type { EventEnvelope } from '../events/event-envelope';
import { postgresCommitHorizon } from '../sagas/deadline-fence';
import { START_OF_STORE, type EventStore, type GlobalCursor } from '../store/event-store';
import { inTransaction } from '../database/in-transaction';
import { CheckpointStore } from './checkpoint-store';
import { SubscriptionConnection } from './subscription-connection';
import { SubscriptionInspector } from './subscription-inspector';

// Every statement the subscription path runs, planned over a log of 1,000,000 events:
// none may read es_events from end to end. Checked before the table has statistics (a
// new store under load, before autovacuum's first ANALYZE) and after ANALYZE.
// ES_TEST_SHOW_PLANS=1 prints each plan's scans and execution time.

const EVENTS = 1_000_000;
const ACCOUNT_TYPES = [
  'bank.account-opened',
  'bank.money-deposited',
  'bank.money-withdrawn',
  'bank.transfer-debit-settled',
  'bank.account-closed',
];
/** A subscriber of one type that is 0.1% of the log, and one of a type that is 2%. */
const RARE_TYPES = ['bank.account-closed'];
const SOME_TYPES = ['bank.transfer-requested'];
const SUBSCRIBER = 'bank-accounts';

interface Probe {
  label: string;
  statement: SentStatement;
}

describe('the subscription path over 1,000,000 events', () => {
  let close: (() => Promise<void>) | undefined;
  let dataSource: DataSource;
  let store: EventStore;
  let url: string;
  let admin: Client;
  let checkpoints: CheckpointStore;
  let inspector: SubscriptionInspector;
  const report: string[] = [];

  beforeAll(async () => {
    const subject = await createPostgresSubject('postgres', 'subscription_plans');
    ({ dataSource, store, close } = subject);
    url = (dataSource.options as { url: string }).url;
    admin = new Client({ connectionString: url });
    await admin.connect();
    const started = Date.now();
    await bulkLoadEvents(admin, {
      events: EVENTS,
      streams: 5_000,
      transactions: 250_000,
      types: [
        { type: 'bank.account-closed', share: 0.001 },
        { type: 'bank.transfer-requested', share: 0.02 },
        { type: 'bank.transfer-debit-settled', share: 0.02 },
        { type: 'bank.account-opened', share: 0.025 },
        { type: 'bank.money-withdrawn', share: 0.3 },
        { type: 'bank.money-deposited', share: 0 },
      ],
    });
    report.push(`${EVENTS} events loaded in ${Date.now() - started} ms`);
    checkpoints = new CheckpointStore(dataSource, 'public');
    inspector = new SubscriptionInspector(dataSource, 'public');
    await checkpoints.ensure(SUBSCRIBER);
  });

  afterAll(async () => {
    if (process.env.ES_TEST_SHOW_PLANS) process.stdout.write(`\n${report.join('\n')}\n`);
    await admin?.end();
    await close?.();
  });

  /** The cursor of the event `back` events before the end of the global order. */
  async function cursorBack(back: number): Promise<GlobalCursor> {
    const { rows } = await admin.query<{ xid: string; position: string }>(
      `SELECT transaction_id::text AS xid, position FROM es_events
        ORDER BY transaction_id DESC, position DESC OFFSET $1 LIMIT 1`,
      [back],
    );
    return { transactionId: BigInt(rows[0]!.xid), position: BigInt(rows[0]!.position) };
  }

  /** Runs each piece of the subscription path for real, keeping what it sent. */
  async function probes(): Promise<Probe[]> {
    const near = await cursorBack(2_000);
    const middle = await cursorBack(EVENTS / 2);
    const found: Probe[] = [];
    const probe = async (label: string, work: () => Promise<unknown>): Promise<void> => {
      const sent = await captureStatements(work);
      const ours = sent.filter((s) =>
        /es_(events|checkpoints|parked_events)|pg_snapshot|advisory|pg_locks/.test(s.text),
      );
      ours.forEach((statement, i) => found.push({ label: ours.length > 1 ? `${label} (${i + 1})` : label, statement }));
    };
    let event: EventEnvelope | undefined;
    await probe('checkpoint load', () => checkpoints.load(SUBSCRIBER));
    await probe('horizon', () => checkpoints.horizon());
    for (const [where, after] of [
      ['caught up', near],
      ['halfway', middle],
      ['from the start', START_OF_STORE],
    ] as const) {
      await probe(`readAll, all types, ${where}`, async () => {
        event ??= (await store.readAll({ after, limit: 500 })).events[0];
      });
      await probe(`readAll, account types, ${where}`, () => store.readAll({ after, limit: 500, types: ACCOUNT_TYPES }));
      await probe(`readAll, a 2% type, ${where}`, () => store.readAll({ after, limit: 500, types: SOME_TYPES }));
      await probe(`readAll, a 0.1% type, ${where}`, () => store.readAll({ after, limit: 500, types: RARE_TYPES }));
      await probe(`countAfter (lag), ${where}`, () => checkpoints.countAfter(after, ACCOUNT_TYPES, 100_000));
      await probe(`countAfter (lag) of a 0.1% type, ${where}`, () =>
        checkpoints.countAfter(after, RARE_TYPES, 100_000),
      );
    }
    await probe('checkpoint lock and move', () =>
      inTransaction(dataSource, async (runner) => {
        await checkpoints.lockAt(SUBSCRIBER, START_OF_STORE, runner);
        await checkpoints.move(SUBSCRIBER, { from: START_OF_STORE, to: near, lastPosition: near.position }, runner);
        throw new Error('rolled back');
      }).catch(() => undefined),
    );
    await probe('park', () =>
      inTransaction(dataSource, async (runner) => {
        await checkpoints.park(SUBSCRIBER, event!, 'failed', 3, runner);
        throw new Error('rolled back');
      }).catch(() => undefined),
    );
    await probe('parked of one', () => checkpoints.parked(SUBSCRIBER));
    await probe('parked of all', () => checkpoints.parked());
    await probe('transactionOf (waitFor, minPosition)', () => checkpoints.transactionOf(near.position));
    await probe('head', () => inspector.head());
    await probe('lastCursor (waitUntilCaughtUp)', () => inspector.lastCursor());
    await probe('lock holders', () => inspector.lockHolders([SUBSCRIBER]));
    await probe('parked counts', () => inspector.parkedCounts());
    await probe('holding transaction', () => inspector.holdingTransaction(near, ACCOUNT_TYPES, 0));
    await probe('event by id (retry, dismiss)', () => inspector.event(event!.eventId));
    await probe('deadline fence', () => postgresCommitHorizon(dataSource)());
    await probe('lease', async () => {
      const lease = new SubscriptionConnection({ connectionString: url }, 'public', 'es_plans_probe');
      try {
        await lease.tryLock(SUBSCRIBER);
        await lease.unlock(SUBSCRIBER);
      } finally {
        await lease.close();
      }
    });
    return found;
  }

  function record(state: string, label: string, plan: ExplainedPlan): void {
    report.push(`${state} | ${label} | ${plan.scans.join(', ') || '(no table)'} | ${plan.executionMs.toFixed(3)} ms`);
  }

  async function checkAll(state: string): Promise<void> {
    const all = await probes();
    expect(all.length).toBeGreaterThan(30);
    const scans: string[] = [];
    for (const { label, statement } of all) {
      const plan = await explain(admin, statement);
      record(state, label, plan);
      if (seqScansOf(plan, 'es_events').length > 0) scans.push(label);
      // Named statements are prepared once per connection: PostgreSQL may switch to a
      // generic plan after a few runs, so that one must hold too.
      if (statement.name) {
        const generic = await explain(admin, statement, true);
        record(state, `${label}, generic plan`, generic);
        if (seqScansOf(generic, 'es_events').length > 0) scans.push(`${label}, generic plan`);
      }
    }
    expect(scans).toEqual([]);
  }

  it('reads es_events through an index in every statement, before the table has statistics', async () => {
    await checkAll('no statistics');
  });

  it('reads es_events through an index in every statement, after ANALYZE', async () => {
    await admin.query('ANALYZE es_events');
    await checkAll('analyzed');
  });
});
