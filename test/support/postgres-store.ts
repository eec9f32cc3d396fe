import { eventStoreMigrations, PostgresEventStore, type EventStoreMigrationOptions } from '@app/event-sourcing';
import type { ContractSubject } from '@app/event-sourcing/testing';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestServer } from './test-database';

/** A PostgreSQL store over a fresh database of its own, migrated, for one test file. */
export async function createPostgresSubject(
  server: TestServer,
  label: string,
  maxEventSize = 64 * 1024,
  migrationOptions: EventStoreMigrationOptions = {},
): Promise<ContractSubject & { dataSource: DataSource }> {
  const database = await createTestDatabase(server, label);
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    poolSize: 25,
    applicationName: `test-${label}`,
    migrations: eventStoreMigrations('public', migrationOptions),
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    dataSource,
    store: new PostgresEventStore(dataSource, { maxEventSize }),
    maxEventSize,
    close: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
