import { DataSource } from 'typeorm';
import { eventStoreMigrations } from '../../libs/event-sourcing/src/schema/migrations';
import { createTestDatabase, type TestDatabase } from './test-database';

/** The name of the store migration just before `name` (in schema `public`), for a spec of its place. */
export function migrationBefore(name: string): string | undefined {
  const names = eventStoreMigrations('public').map((migration) => new migration().name ?? '');
  return names[names.indexOf(name) - 1];
}

/** A database of a migration spec, its data source on the store's migrations (none run yet). */
export interface MigrationDatabase {
  readonly dataSource: DataSource;
  /** Undoes migrations, newest first, until none whose name starts with `prefix` has run. */
  undoThrough(prefix: string): Promise<void>;
  /** Undoes the migrations newer than the one whose name starts with `prefix`, so it is the last run. */
  undoAbove(prefix: string): Promise<void>;
}

/**
 * Registers `beforeAll`/`afterAll` for a database of its own (`name` for its name) with a
 * data source on `eventStoreMigrations('public')`, dropped after the suite.
 */
export function useMigrationDatabase(name: string): MigrationDatabase {
  let database: TestDatabase | undefined;
  let dataSource: DataSource | undefined;
  const ran = async (prefix: string): Promise<boolean> =>
    (await dataSource!.query<{ name: string }[]>(`SELECT name FROM migrations`)).some((row) =>
      row.name.startsWith(prefix),
    );
  const last = async (): Promise<string | undefined> =>
    (await dataSource!.query<{ name: string }[]>(`SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1`))[0]
      ?.name;
  beforeAll(async () => {
    database = await createTestDatabase('postgres', name);
    dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: eventStoreMigrations('public') });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });
  return {
    get dataSource(): DataSource {
      if (!dataSource) throw new Error('useMigrationDatabase: the database is made in beforeAll.');
      return dataSource;
    },
    async undoThrough(prefix: string): Promise<void> {
      while (await ran(prefix)) await dataSource!.undoLastMigration();
    },
    async undoAbove(prefix: string): Promise<void> {
      while ((await ran(prefix)) && !(await last())?.startsWith(prefix)) await dataSource!.undoLastMigration();
    },
  };
}
