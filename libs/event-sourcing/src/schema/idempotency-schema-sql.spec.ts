import { eventStoreMigrations } from './migrations';
import { dropIdempotencySchemaSql, idempotencySchemaSql } from './idempotency-schema-sql';

// Beside store-schema-sql.spec.ts, with a snapshot file of its own: the table is a
// contract with every deployed database, so a change here must be a new migration.
describe('idempotency schema SQL', () => {
  it('creates the Idempotency-Key table and its index', () => {
    expect(idempotencySchemaSql('"public"').join(';\n\n')).toMatchSnapshot();
  });

  it('drops it again on the way down', () => {
    expect(dropIdempotencySchemaSql('"public"')).toMatchSnapshot();
  });

  it('quotes the schema everywhere it names an object', () => {
    const sql = [...idempotencySchemaSql('"my schema"'), ...dropIdempotencySchemaSql('"my schema"')].join('\n');
    expect(sql).not.toMatch(/\bpublic\./);
    expect(sql.match(/"my schema"\.es_idempotency_keys/g)).toHaveLength(3);
  });

  it('is a migration of the store, after the ones it builds on, with a fixed name', () => {
    const names = eventStoreMigrations('public').map((migration) => new migration().name ?? '');
    expect(names).toContain('IdempotencyKeys_public_1764200000000');
    const timestamps = names.map((name) => Number(name.slice(-13)));
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
  });
});
