import { eventStoreMigrations } from './migrations';
import { dropPermissionSchemaSql, permissionSchemaSql } from './permission-schema-sql';

// The permissions read model is a contract with every deployed database: a change here
// must be a new migration, and it shows up in review as a snapshot change.
describe('permission schema SQL', () => {
  it('creates the permissions table keyed for the check, and its index by aggregate', () => {
    expect(permissionSchemaSql('"public"').join(';\n\n')).toMatchSnapshot();
  });

  it('drops it again on the way down', () => {
    expect(dropPermissionSchemaSql('"public"')).toMatchSnapshot();
  });

  it('quotes the schema everywhere it names an object', () => {
    const sql = [...permissionSchemaSql('"my schema"'), ...dropPermissionSchemaSql('"my schema"')].join('\n');
    expect(sql).not.toMatch(/\bpublic\./);
    expect(sql.match(/"my schema"\.es_permissions/g)).toHaveLength(3);
  });

  it('is a migration of the store, after the ones it builds on, with a fixed name', () => {
    const names = eventStoreMigrations('public').map((migration) => new migration().name ?? '');
    expect(names).toContain('EventStorePermissions_public_1765400000000');
    const timestamps = names.map((name) => Number(name.slice(-13)));
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
  });
});
