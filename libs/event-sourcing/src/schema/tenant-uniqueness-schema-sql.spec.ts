import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { eventStoreMigrations } from './migrations';
import { dropTenantUniquenessSchemaSql, tenantUniquenessSchemaSql } from './tenant-uniqueness-schema-sql';

// The natural keys' tenant is a contract with every deployed database: a change here
// must be a new migration, and it shows up in review as a snapshot change.
describe('natural-key tenant schema SQL', () => {
  it('adds the tenant to es_natural_keys, its unique index and es_stream_effects, and takes them away', () => {
    expect(
      [...tenantUniquenessSchemaSql('"public"'), ...dropTenantUniquenessSchemaSql('"public"')].join(';\n\n'),
    ).toMatchSnapshot();
  });

  it('quotes the schema everywhere it names an object', () => {
    const sql = [...tenantUniquenessSchemaSql('"my schema"'), ...dropTenantUniquenessSchemaSql('"my schema"')].join(
      '\n',
    );
    expect(sql).not.toMatch(/\bpublic\./);
    expect(sql).not.toMatch(/[^."]es_(natural_keys|events|streams|stream_effects)\b(?!_)/);
  });

  it('is a migration of the store, after the tenants one, with a fixed name', () => {
    const names = eventStoreMigrations('public').map((migration) => new migration().name ?? '');
    const at = names.indexOf('EventStoreTenantUniqueness_public_1765500000000');
    expect(names[at - 1]).toBe('EventStoreTenants_public_1765400000001');
  });

  describe('on PostgreSQL', () => {
    let database: TestDatabase;
    let dataSource: DataSource;

    beforeAll(async () => {
      database = await createTestDatabase('postgres', 'key_tenants');
      dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: eventStoreMigrations('public') });
      await dataSource.initialize();
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await database?.drop();
    });

    const ran = async (): Promise<boolean> =>
      (await dataSource.query<{ name: string }[]>(`SELECT name FROM migrations`)).some((row) =>
        row.name.startsWith('EventStoreTenantUniqueness_'),
      );
    const event = (stream: string, version: number, metadata: object) =>
      dataSource.query(
        `INSERT INTO es_events (event_id, stream_id, version, type, data, metadata)
         VALUES (gen_random_uuid(), $1, $2, 'x', '{}', $3)`,
        [stream, version, JSON.stringify(metadata)],
      );

    it("gives existing keys their stream's tenant, or '' for none, then holds a value once per tenant", async () => {
      await dataSource.runMigrations();
      while (await ran()) await dataSource.undoLastMigration();
      // Before: keys unique across tenants, claimed by the five-parameter function.
      await event('user-a', 1, { tenantId: 'acme' });
      await event('user-a', 2, {});
      await event('user-n', 1, {});
      await dataSource.query(`SELECT es_stream_effects('user-a', ARRAY['user/email'], ARRAY['a@x'], '{}', NULL)`);
      await dataSource.query(`SELECT es_stream_effects('user-n', ARRAY['user/email'], ARRAY['n@x'], '{}', NULL)`);
      await dataSource.runMigrations();
      const rows = await dataSource.query<{ stream_id: string; tenant: string }[]>(
        `SELECT stream_id, tenant FROM es_natural_keys ORDER BY stream_id`,
      );
      expect(rows).toEqual([
        { stream_id: 'user-a', tenant: 'acme' },
        { stream_id: 'user-n', tenant: '' },
      ]);
      // After: another tenant may hold a@x; the same tenant may not.
      const claim = async (stream: string, tenant: string): Promise<unknown> =>
        (
          await dataSource.query<{ taken: unknown }[]>(
            `SELECT es_stream_effects($1, ARRAY['user/email'], ARRAY['a@x'], '{}', NULL, $2) AS taken`,
            [stream, tenant],
          )
        )[0]!.taken;
      expect(await claim('user-b', 'globex')).toBeNull();
      expect(await claim('user-c', 'acme')).toEqual(['user/email', 'a@x']);
      // Down again refuses while two tenants hold one value, and goes once they do not.
      await expect(dataSource.undoLastMigration()).rejects.toThrow(/unique|duplicate/i);
      await dataSource.query(`DELETE FROM es_natural_keys WHERE stream_id = 'user-b'`);
      while (await ran()) await dataSource.undoLastMigration();
      const columns = await dataSource.query<unknown[]>(
        `SELECT 1 FROM information_schema.columns WHERE table_name = 'es_natural_keys' AND column_name = 'tenant'`,
      );
      expect(columns).toHaveLength(0);
      await dataSource.runMigrations();
    });
  });
});
