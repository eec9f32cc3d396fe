import { eventStoreMigrations } from './migrations';
import { dropLifecycleSchemaSql, lifecycleSchemaSql } from './lifecycle-schema-sql';

// The natural-key and tombstone tables are a contract with every deployed database: a
// change here must be a new migration, and it shows up in review as a snapshot change.
describe('lifecycle schema SQL', () => {
  it('creates the natural-key and tombstone tables and the effects function, and drops them', () => {
    expect([...lifecycleSchemaSql('"public"'), ...dropLifecycleSchemaSql('"public"')].join(';\n\n')).toMatchSnapshot();
  });

  it('quotes the schema everywhere it names an object', () => {
    const sql = [...lifecycleSchemaSql('"my schema"'), ...dropLifecycleSchemaSql('"my schema"')].join('\n');
    expect(sql).not.toMatch(/\bpublic\./);
    expect(sql.match(/(?<!\.)\bes_(natural_keys|stream_tombstones|streams|events)\b/g)).toBeNull();
    expect(sql.match(/"my schema"\.es_natural_keys\b/g)?.length).toBeGreaterThanOrEqual(8);
  });

  it('is the last migration of the store so far, with a fixed name', () => {
    const names = eventStoreMigrations('public').map((migration) => new migration().name ?? '');
    expect(names).toContain('EventStoreLifecycle_public_1765100000000');
    const timestamps = names.map((name) => Number(name.slice(-13)));
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
  });
});
