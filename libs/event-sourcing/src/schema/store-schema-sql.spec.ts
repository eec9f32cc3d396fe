import { dropSubscriptionSchemaSql, subscriptionSchemaSql } from './subscription-schema-sql';
import { dropSagaSchemaSql, sagaSchemaSql } from './saga-schema-sql';
import {
  appendConflictOneSchemaSql,
  appendConflictSchemaSql,
  correlationIndexSql,
  dropAppendConflictOneSchemaSql,
  dropAppendConflictSchemaSql,
  dropCorrelationIndexSql,
  dropInitialSchemaSql,
  dropSnapshotSchemaSql,
  initialSchemaSql,
  snapshotSchemaSql,
} from './store-schema-sql';

// The schema is a contract with every database already deployed: a change here must be
// a new migration, and it shows up in review as a snapshot change.
describe('store schema SQL', () => {
  it('creates the tables, indexes and functions of the first migration', () => {
    expect(initialSchemaSql('"public"').join(';\n\n')).toMatchSnapshot();
  });

  it('creates the snapshot table in the second migration', () => {
    expect(snapshotSchemaSql('"public"').join(';\n\n')).toMatchSnapshot();
  });

  it('creates the checkpoint and parked-event tables in the third migration, and drops them', () => {
    expect(
      [...subscriptionSchemaSql('"public"'), ...dropSubscriptionSchemaSql('"public"')].join(';\n\n'),
    ).toMatchSnapshot();
  });

  it('creates the saga tables in the fourth migration, and drops them', () => {
    expect([...sagaSchemaSql('"public"'), ...dropSagaSchemaSql('"public"')].join(';\n\n')).toMatchSnapshot();
  });

  it('creates the function a lost single-event append asks in the fifth migration, and drops it', () => {
    expect(
      [...appendConflictSchemaSql('"public"'), ...dropAppendConflictSchemaSql('"public"')].join(';\n\n'),
    ).toMatchSnapshot();
  });

  it('creates the single-event form of that function in the sixth migration, and drops it', () => {
    expect(
      [...appendConflictOneSchemaSql('"public"'), ...dropAppendConflictOneSchemaSql('"public"')].join(';\n\n'),
    ).toMatchSnapshot();
  });

  it('drops the correlation-id index in the seventh migration unless wanted, and restores it on the way down', () => {
    expect(
      [...dropCorrelationIndexSql('"public"'), ...correlationIndexSql('"public"')].join(';\n\n'),
    ).toMatchSnapshot();
  });

  it('drops them again on the way down', () => {
    expect([...dropSnapshotSchemaSql('"public"'), ...dropInitialSchemaSql('"public"')]).toMatchSnapshot();
  });

  it('quotes the schema everywhere it names an object', () => {
    const sql = initialSchemaSql('"my schema"').join('\n');
    expect(sql).not.toMatch(/\bpublic\./);
    expect(sql.match(/"my schema"\.es_events/g)?.length).toBeGreaterThanOrEqual(5);
  });
});
