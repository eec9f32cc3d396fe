import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { eventStoreMigrations } from './migrations';
import { appendGuardSchemaSql, dropAppendGuardSchemaSql, dropTagsSchemaSql, tagsSchemaSql } from './tag-schema-sql';

describe('tag schema SQL', () => {
  it('adds the tags column and its partial GIN index in the ninth migration, and drops them', () => {
    expect([...tagsSchemaSql('"public"'), ...dropTagsSchemaSql('"public"')].join(';\n\n')).toMatchSnapshot();
  });

  it('creates es_append_guard in the tenth migration, and drops it', () => {
    expect(
      [...appendGuardSchemaSql('"public"'), ...dropAppendGuardSchemaSql('"public"')].join(';\n\n'),
    ).toMatchSnapshot();
  });

  describe('on PostgreSQL', () => {
    let database: TestDatabase;
    let dataSource: DataSource;

    beforeAll(async () => {
      database = await createTestDatabase('postgres', 'tag_schema');
      dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: eventStoreMigrations('public') });
      await dataSource.initialize();
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await database?.drop();
    });

    const columns = async (): Promise<string[]> =>
      (
        await dataSource.query<{ column_name: string }[]>(
          `SELECT column_name FROM information_schema.columns WHERE table_name = 'es_events' ORDER BY column_name`,
        )
      ).map((row) => row.column_name);

    /** Whether the tags migration is among those run. */
    const tagsRun = async (): Promise<boolean> =>
      (await dataSource.query<{ name: string }[]>(`SELECT name FROM migrations`)).some((row) =>
        row.name.startsWith('EventStoreTags_'),
      );

    it('goes up, down past the tags and the guard, and up again', async () => {
      await dataSource.runMigrations();
      expect(await columns()).toContain('tags');
      // Down through every later migration, the guard's, then the tags'.
      while (await tagsRun()) await dataSource.undoLastMigration();
      expect(await columns()).not.toContain('tags');
      const functions = await dataSource.query<unknown[]>(`SELECT 1 FROM pg_proc WHERE proname = 'es_append_guard'`);
      expect(functions).toHaveLength(0);
      await dataSource.runMigrations();
      expect(await columns()).toContain('tags');
    });
  });
});
