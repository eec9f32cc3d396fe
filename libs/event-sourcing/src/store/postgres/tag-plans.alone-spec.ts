import { Client } from 'pg';
import { bulkLoadEvents } from '../../../../../test/support/bulk-events';
import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import { captureStatements, explain, seqScansOf, type SentStatement } from '../../../../../test/support/query-plans';
import type { EventStore } from '../event-store';

// Reads by tag over 1,000,000 events: answered by the partial GIN index on tags, never by
// reading es_events from end to end, before and after ANALYZE. Every event carries two
// tags: a list (50,000 of them, 20 events each) and an owner (997 of them).
// ES_TEST_SHOW_PLANS=1 prints each plan's scans and execution time.

const EVENTS = 1_000_000;

describe('reads by tag over 1,000,000 events', () => {
  let close: (() => Promise<void>) | undefined;
  let store: EventStore;
  let admin: Client;
  const report: string[] = [];

  beforeAll(async () => {
    const subject = await createPostgresSubject('postgres', 'tag_plans');
    ({ store, close } = subject);
    admin = new Client({ connectionString: (subject.dataSource.options as { url: string }).url });
    await admin.connect();
    await bulkLoadEvents(admin, {
      events: EVENTS,
      streams: 5_000,
      transactions: 100_000,
      types: [
        { type: 'todo.list-created', share: 0.05 },
        { type: 'todo.item-added', share: 0 },
      ],
      tags: `ARRAY['list:' || (i % 50000), 'owner:' || (i % 997)]`,
    });
  });

  afterAll(async () => {
    if (process.env.ES_TEST_SHOW_PLANS) process.stdout.write(`\n${report.join('\n')}\n`);
    await admin?.end();
    await close?.();
  });

  /** The store's statements of `work` on es_events, run for real. */
  async function statementsOf(work: () => Promise<unknown>): Promise<SentStatement[]> {
    return (await captureStatements(work)).filter((s) => /es_events/.test(s.text));
  }

  async function checkAll(state: string): Promise<void> {
    const probes: [string, () => Promise<unknown>][] = [
      ['readMatching, 2 tags', () => store.readMatching([{ tags: ['list:4242', 'owner:4242'] }])],
      [
        'readMatching, types and 2 tags',
        () => store.readMatching([{ types: ['todo.list-created', 'todo.item-added'], tags: ['list:7', 'owner:7'] }]),
      ],
      [
        'readMatching, two items',
        () => store.readMatching([{ tags: ['list:1', 'owner:1'] }, { types: ['todo.item-added'], tags: ['list:2'] }]),
      ],
      ['queryEvents by 2 tags', () => store.queryEvents({ tags: ['list:99', 'owner:99'] })],
      ['readAll by a tag', () => store.readAll({ tags: ['list:314'], limit: 100 })],
    ];
    const scans: string[] = [];
    for (const [label, work] of probes) {
      const sent = await statementsOf(work);
      expect(sent.length).toBeGreaterThan(0);
      for (const statement of sent) {
        for (const generic of statement.name ? [false, true] : [false]) {
          const plan = await explain(admin, statement, generic);
          const name = `${label}${generic ? ', generic plan' : ''}`;
          report.push(`${state} | ${name} | ${plan.scans.join(', ')} | ${plan.executionMs.toFixed(3)} ms`);
          if (seqScansOf(plan, 'es_events').length > 0) scans.push(name);
          if (label.startsWith('readMatching') && !plan.scans.some((s) => s.includes('es_events_tags_idx'))) {
            scans.push(`${name}: no es_events_tags_idx`);
          }
        }
      }
    }
    expect(scans).toEqual([]);
  }

  it('reads through the tag index before the table has statistics', async () => {
    await checkAll('no statistics');
  });

  it('reads through the tag index after ANALYZE', async () => {
    await admin.query('ANALYZE es_events');
    await checkAll('analyzed');
  });

  it('answers a conditional append on 2 tags through the index too (its check reads the same rows)', async () => {
    const query = [{ tags: ['list:55', 'owner:55'] }];
    const { events, after } = await store.readMatching(query);
    expect(events.length).toBeGreaterThan(0);
    const started = process.hrtime.bigint();
    await store.append('list-55', [{ type: 'todo.item-added', data: {}, tags: ['list:55', 'owner:55'] }], {
      condition: { query, after },
    });
    report.push(`conditional append over 1M events: ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
    await expect(
      store.append('list-55', [{ type: 'todo.item-added', data: {} }], { condition: { query, after } }),
    ).rejects.toMatchObject({ code: 'ES_APPEND_CONDITION' });
  });
});
