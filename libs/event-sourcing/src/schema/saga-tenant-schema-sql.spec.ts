import { randomUUID } from 'node:crypto';
import { migrationBefore, useMigrationDatabase } from '../../../../test/support/migration-database';
import { dropSagaTenantSchemaSql, sagaTenantSchemaSql } from './saga-tenant-schema-sql';

// The saga instances' tenant is a contract with every deployed database: a change here
// must be a new migration, and it shows up in review as a snapshot change.
describe('saga tenant schema SQL', () => {
  it('adds the tenant to es_sagas and its unique constraint, and takes them away', () => {
    expect(
      [...sagaTenantSchemaSql('"public"'), ...dropSagaTenantSchemaSql('"public"')].join(';\n\n'),
    ).toMatchSnapshot();
  });

  it('quotes the schema everywhere it names a table', () => {
    const sql = [...sagaTenantSchemaSql('"my schema"'), ...dropSagaTenantSchemaSql('"my schema"')].join('\n');
    expect(sql).not.toMatch(/\bpublic\./);
    expect(sql).not.toMatch(/[^."]es_(sagas|saga_commands|events)\b(?!_)/);
  });

  it('is a migration of the store, after the tenant uniqueness one, with a fixed name', () => {
    expect(migrationBefore('EventStoreSagaTenants_public_1765700000000')).toBe(
      'EventStoreTenantUniqueness_public_1765500000000',
    );
  });

  describe('on PostgreSQL', () => {
    const db = useMigrationDatabase('saga_tenants');
    const undo = (): Promise<void> => db.undoThrough('EventStoreSagaTenants_');

    const event = async (metadata: object): Promise<string> => {
      const eventId = randomUUID();
      await db.dataSource.query(
        `INSERT INTO es_events (event_id, stream_id, version, type, data, metadata) VALUES ($1, $2, 1, 'x', '{}', $3)`,
        [eventId, `s-${eventId}`, JSON.stringify(metadata)],
      );
      return eventId;
    };
    const saga = async (correlation: string, startedBy: string, tenantColumn?: string): Promise<string> => {
      const sagaId = randomUUID();
      await db.dataSource.query(
        `INSERT INTO es_sagas (saga_id, saga_type, correlation, started_by${tenantColumn === undefined ? '' : ', tenant'})
         VALUES ($1, 'transfer', $2, $3${tenantColumn === undefined ? '' : ', $4'})`,
        [sagaId, correlation, startedBy, ...(tenantColumn === undefined ? [] : [tenantColumn])],
      );
      return sagaId;
    };

    it("gives existing instances their starting event's tenant, else a command's, else '', then one instance per tenant", async () => {
      await db.dataSource.runMigrations();
      await undo();
      // Before: one instance per correlation value across tenants.
      await saga('t-acme', await event({ tenantId: 'acme' }));
      await saga('t-none', await event({}));
      // Its starting event is gone (a hard-deleted stream): its commands still say.
      const orphan = await saga('t-orphan', randomUUID());
      await db.dataSource.query(
        `INSERT INTO es_saga_commands (command_id, saga_id, saga_type, command_type, payload, causation_id)
         VALUES ($1, $2, 'transfer', 'Debit', $3, $4)`,
        [randomUUID(), orphan, JSON.stringify({ $tenant: 'globex' }), randomUUID()],
      );
      await saga('t-lost', randomUUID());
      await expect(saga('t-acme', randomUUID())).rejects.toThrow(/unique|duplicate/i);
      await db.dataSource.runMigrations();
      const rows = await db.dataSource.query<{ correlation: string; tenant: string }[]>(
        `SELECT correlation, tenant FROM es_sagas ORDER BY correlation`,
      );
      expect(rows).toEqual([
        { correlation: 't-acme', tenant: 'acme' },
        { correlation: 't-lost', tenant: '' },
        { correlation: 't-none', tenant: '' },
        { correlation: 't-orphan', tenant: 'globex' },
      ]);
      // After: another tenant may have an instance for t-acme; the same tenant may not.
      await saga('t-acme', randomUUID(), 'globex');
      await saga('t-acme', randomUUID(), '');
      await expect(saga('t-acme', randomUUID(), 'acme')).rejects.toThrow(/unique|duplicate/i);
      // Down refuses while two tenants share a correlation value, and goes once they do not.
      await expect(db.dataSource.undoLastMigration()).rejects.toThrow(/unique|duplicate|could not create/i);
      await db.dataSource.query(`DELETE FROM es_sagas WHERE correlation = 't-acme' AND tenant <> 'acme'`);
      await undo();
      const columns = await db.dataSource.query<unknown[]>(
        `SELECT 1 FROM information_schema.columns WHERE table_name = 'es_sagas' AND column_name = 'tenant'`,
      );
      expect(columns).toHaveLength(0);
      await db.dataSource.runMigrations();
    });
  });
});
