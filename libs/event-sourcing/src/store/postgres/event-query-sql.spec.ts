import type { ContractSubject } from '../../testing/event-store-contract';
import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import type { DataSource } from 'typeorm';
import { normalizeQuery, type EventQuery } from '../event-query';
import { buildEventQuerySql } from './event-query-sql';

// Each query is one statement; with sequential scans priced out, PostgreSQL shows
// whether an index can answer it (it falls back to a seq scan only when none can).
describe('queryEvents SQL', () => {
  let subject: ContractSubject & { dataSource: DataSource };

  beforeAll(async () => {
    subject = await createPostgresSubject('postgres', 'query_sql', undefined, { correlationIdIndex: true });
  });

  afterAll(async () => {
    await subject.close?.();
  });

  const plan = async (query: EventQuery): Promise<string> => {
    const { text, params } = buildEventQuerySql('"public"', normalizeQuery(query));
    const runner = subject.dataSource.createQueryRunner();
    try {
      await runner.query('SET enable_seqscan = off');
      const rows = await runner.query(`EXPLAIN ${text}`, params);
      return (rows as { 'QUERY PLAN': string }[]).map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await runner.query('RESET enable_seqscan');
      await runner.release();
    }
  };

  it.each<[string, EventQuery]>([
    ['types', { types: ['bank.opened', 'bank.closed'] }],
    ['streams and a version range', { streams: ['account-1'], fromVersion: 2, toVersion: 9 }],
    ['a position range', { fromPosition: 10n, toPosition: 20n }],
    ['a duration', { types: ['bank.opened'], since: '3 days' }],
    ['a time range alone', { since: new Date('2026-01-01'), until: new Date('2026-02-01') }],
    ['a correlation id', { correlationId: 'c-1' }],
    ['stream types', { streamTypes: ['account'] }],
    ['several ORed filters', { any: [{ streams: ['account-1'] }, { types: ['bank.closed'], since: 'week' }] }],
  ])('answers a query by %s from indexes, in one statement', async (_title, query) => {
    const text = await plan(query);
    expect(text).not.toMatch(/Seq Scan on es_events/);
  });

  it('finds a correlation id through its index (correlationIdIndex)', async () => {
    expect(await plan({ correlationId: 'c-1' })).toMatch(/es_events_correlation_idx/);
  });

  it('binds every value as a parameter, never as SQL text', () => {
    const { text, params } = buildEventQuerySql(
      '"public"',
      normalizeQuery({ types: ["x'; DROP TABLE es_events; --"], since: '2 weeks', limit: 5 }),
    );
    expect(text).not.toContain('DROP');
    expect(params).toEqual([["x'; DROP TABLE es_events; --"], 1_209_600_000, 5]);
  });
});
