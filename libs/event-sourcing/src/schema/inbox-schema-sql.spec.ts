import { eventStoreMigrations } from './migrations';
import { dropInboxSchemaSql, inboxSchemaSql } from './inbox-schema-sql';

// The inbox table is a contract with every deployed database: a change here must be a
// new migration, and it shows up in review as a snapshot change.
describe('inbox schema SQL', () => {
  it('creates the inbox table and its index of parked messages', () => {
    expect(inboxSchemaSql('"public"').join(';\n\n')).toMatchSnapshot();
  });

  it('drops it again on the way down', () => {
    expect(dropInboxSchemaSql('"public"')).toMatchSnapshot();
  });

  it('quotes the schema everywhere it names an object', () => {
    const sql = [...inboxSchemaSql('"my schema"'), ...dropInboxSchemaSql('"my schema"')].join('\n');
    expect(sql).not.toMatch(/\bpublic\./);
    expect(sql.match(/"my schema"\.es_inbox/g)).toHaveLength(3);
  });

  it('is a migration of the store, after the ones it builds on, with a fixed name', () => {
    const names = eventStoreMigrations('public').map((migration) => new migration().name ?? '');
    expect(names).toContain('EventStoreInbox_public_1765000000000');
    const timestamps = names.map((name) => Number(name.slice(-13)));
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
  });
});
