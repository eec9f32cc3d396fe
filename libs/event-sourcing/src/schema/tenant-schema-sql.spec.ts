import { eventStoreMigrations } from './migrations';
import { dropTenantSchemaSql, tenantSchemaSql } from './tenant-schema-sql';

// The tenant column is a contract with every deployed database: a change here must be a
// new migration, and it shows up in review as a snapshot change.
describe('tenant schema SQL', () => {
  it("adds each event's tenant as a column generated from its metadata, and its partial index", () => {
    expect(tenantSchemaSql('"public"').join(';\n\n')).toMatchSnapshot();
  });

  it('drops them again on the way down', () => {
    expect(dropTenantSchemaSql('"public"')).toMatchSnapshot();
  });

  it('quotes the schema everywhere it names an object', () => {
    const sql = [...tenantSchemaSql('"my schema"'), ...dropTenantSchemaSql('"my schema"')].join('\n');
    expect(sql).not.toMatch(/\bpublic\./);
    expect(sql.match(/"my schema"\.es_events/g)).toHaveLength(4);
  });

  it('is a migration of the store, after the permissions one, with a fixed name', () => {
    const names = eventStoreMigrations('public').map((migration) => new migration().name ?? '');
    const at = names.indexOf('EventStoreTenants_public_1765400000001');
    expect(names[at - 1]).toBe('EventStorePermissions_public_1765400000000');
    const timestamps = names.map((name) => Number(name.slice(-13)));
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
  });
});
