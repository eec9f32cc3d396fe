import { migrationBefore, useMigrationDatabase } from '../../../../test/support/migration-database';
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
    expect(migrationBefore('EventStoreTenantUniqueness_public_1765500000000')).toBe(
      'EventStoreTenants_public_1765400000001',
    );
  });

  describe('on PostgreSQL', () => {
    const db = useMigrationDatabase('key_tenants');
    const undo = (): Promise<void> => db.undoThrough('EventStoreTenantUniqueness_');

    const event = (stream: string, version: number, metadata: object) =>
      db.dataSource.query(
        `INSERT INTO es_events (event_id, stream_id, version, type, data, metadata)
         VALUES (gen_random_uuid(), $1, $2, 'x', '{}', $3)`,
        [stream, version, JSON.stringify(metadata)],
      );

    it("gives existing keys their stream's tenant, or '' for none, then holds a value once per tenant", async () => {
      await db.dataSource.runMigrations();
      await undo();
      // Before: keys unique across tenants, claimed by the five-parameter function.
      await event('user-a', 1, { tenantId: 'acme' });
      await event('user-a', 2, {});
      await event('user-n', 1, {});
      await db.dataSource.query(`SELECT es_stream_effects('user-a', ARRAY['user/email'], ARRAY['a@x'], '{}', NULL)`);
      await db.dataSource.query(`SELECT es_stream_effects('user-n', ARRAY['user/email'], ARRAY['n@x'], '{}', NULL)`);
      await db.dataSource.runMigrations();
      const rows = await db.dataSource.query<{ stream_id: string; tenant: string }[]>(
        `SELECT stream_id, tenant FROM es_natural_keys ORDER BY stream_id`,
      );
      expect(rows).toEqual([
        { stream_id: 'user-a', tenant: 'acme' },
        { stream_id: 'user-n', tenant: '' },
      ]);
      // After: another tenant may hold a@x; the same tenant may not.
      const claim = async (stream: string, tenant: string): Promise<unknown> =>
        (
          await db.dataSource.query<{ taken: unknown }[]>(
            `SELECT es_stream_effects($1, ARRAY['user/email'], ARRAY['a@x'], '{}', NULL, $2) AS taken`,
            [stream, tenant],
          )
        )[0]!.taken;
      expect(await claim('user-b', 'globex')).toBeNull();
      expect(await claim('user-c', 'acme')).toEqual(['user/email', 'a@x']);
      // Down again refuses while two tenants hold one value, and goes once they do not.
      await db.undoAbove('EventStoreTenantUniqueness_');
      await expect(db.dataSource.undoLastMigration()).rejects.toThrow(/unique|duplicate/i);
      await db.dataSource.query(`DELETE FROM es_natural_keys WHERE stream_id = 'user-b'`);
      await undo();
      const columns = await db.dataSource.query<unknown[]>(
        `SELECT 1 FROM information_schema.columns WHERE table_name = 'es_natural_keys' AND column_name = 'tenant'`,
      );
      expect(columns).toHaveLength(0);
      await db.dataSource.runMigrations();
    });
  });
});
