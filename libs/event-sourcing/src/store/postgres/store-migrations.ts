import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropInitialSchemaSql, initialSchemaSql } from './store-schema-sql';
import { quoteIdentifier } from './quote-identifier';

/** A TypeORM migration class, as the `migrations` option takes it. */
export type MigrationClass = new () => MigrationInterface;

/**
 * The store's TypeORM migrations for one schema, for a data source of your own or the
 * TypeORM CLI (the module runs them by itself at startup). Their names carry the
 * schema, so stores in two schemas of one database each get their tables.
 * @example
 * new DataSource({ type: 'postgres', url, migrations: [...eventStoreMigrations('public'), ...mine] })
 */
export function eventStoreMigrations(schema = 'public'): MigrationClass[] {
  const s = quoteIdentifier(schema);
  const suffix = schema.replace(/[^A-Za-z0-9]/g, '_');

  class EventStoreInitial implements MigrationInterface {
    readonly name = `EventStoreInitial_${suffix}_1763800000000`;

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const sql of initialSchemaSql(s)) await queryRunner.query(sql);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const sql of dropInitialSchemaSql(s)) await queryRunner.query(sql);
    }
  }

  return [EventStoreInitial];
}
