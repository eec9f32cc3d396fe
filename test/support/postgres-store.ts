import {
  eventStoreMigrations,
  PostgresEventStore,
  type EventStoreMigrationOptions,
  type PostgresEventStoreOptions,
} from 'nest-event-sourcing';
import type { ContractSubject } from 'nest-event-sourcing/testing';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestServer } from './test-database';

/**
 * A PostgreSQL store over a fresh database of its own, migrated, for one test file.
 * `settings`: server settings for its sessions (`{ deadlock_timeout: '20ms' }`).
 */
export async function createPostgresSubject(
  server: TestServer,
  label: string,
  maxEventSize = 64 * 1024,
  migrationOptions: EventStoreMigrationOptions = {},
  settings: Readonly<Record<string, string>> = {},
  storeOptions: Omit<PostgresEventStoreOptions, 'maxEventSize'> = {},
): Promise<ContractSubject & { dataSource: DataSource }> {
  const options = Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`);
  const database = await createTestDatabase(server, label);
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    poolSize: 25,
    applicationName: `test-${label}`,
    migrations: eventStoreMigrations('public', migrationOptions),
    ...(options.length ? { extra: { options: options.join(' ') } } : {}),
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    dataSource,
    store: new PostgresEventStore(dataSource, { ...storeOptions, maxEventSize }),
    maxEventSize,
    raw: {
      storedData: async (streamId) =>
        (
          await dataSource.query<{ data: unknown }[]>(
            'SELECT data FROM es_events WHERE stream_id = $1 ORDER BY version',
            [streamId],
          )
        ).map((row) => row.data),
      damageKey: async (subject, stored) => {
        if (stored) await dataSource.query('UPDATE es_subject_keys SET key = $2 WHERE subject = $1', [subject, stored]);
        else await dataSource.query('DELETE FROM es_subject_keys WHERE subject = $1', [subject]);
      },
    },
    close: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
