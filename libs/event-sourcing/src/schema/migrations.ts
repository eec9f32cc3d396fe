import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropIdempotencySchemaSql, idempotencySchemaSql } from './idempotency-schema-sql';
import { dropInboxSchemaSql, inboxSchemaSql } from './inbox-schema-sql';
import { dropInstanceSchemaSql, instanceSchemaSql } from './instance-schema-sql';
import { dropPermissionSchemaSql, permissionSchemaSql } from './permission-schema-sql';
import { dropTenantSchemaSql, tenantSchemaSql } from './tenant-schema-sql';
import { quoteIdentifier } from '../database/quote-identifier';
import { dropSubscriptionSchemaSql, subscriptionSchemaSql } from './subscription-schema-sql';
import { dropSagaSchemaSql, sagaSchemaSql } from './saga-schema-sql';
import {
  appendConflictOneSchemaSql,
  appendConflictSchemaSql,
  correlationIndexSql,
  dropAppendConflictOneSchemaSql,
  dropAppendConflictSchemaSql,
  dropCorrelationIndexSql,
  dropInitialSchemaSql,
  dropSnapshotSchemaSql,
  initialSchemaSql,
  snapshotSchemaSql,
} from './store-schema-sql';
import { dropLifecycleSchemaSql, lifecycleSchemaSql } from './lifecycle-schema-sql';
import { dropTenantUniquenessSchemaSql, tenantUniquenessSchemaSql } from './tenant-uniqueness-schema-sql';
import { dropSagaTenantSchemaSql, sagaTenantSchemaSql } from './saga-tenant-schema-sql';
import { dropPersonalDataSchemaSql, personalDataSchemaSql } from './personal-data-schema-sql';
import { appendGuardSchemaSql, dropAppendGuardSchemaSql, dropTagsSchemaSql, tagsSchemaSql } from './tag-schema-sql';

/** A TypeORM migration class, as the `migrations` option takes it. */
export type MigrationClass = new () => MigrationInterface;

/** Options of {@link eventStoreMigrations}. */
export interface EventStoreMigrationOptions {
  /**
   * Whether the index on each event's `metadata.correlationId` is wanted (see the
   * module's `correlationIdIndex`). It decides only what the seventh migration does with
   * the index the first one created: keep it (true) or drop it (false, the default).
   * The module (with `runMigrations`) also builds the index at startup when it is
   * wanted and missing. Where you run migrations yourself and want the index on a
   * store that dropped it, create it in a migration of your own:
   * `CREATE INDEX es_events_correlation_idx ON <schema>.es_events ((metadata->>'correlationId'))`
   * (`CONCURRENTLY`, outside a transaction, on a large store).
   */
  correlationIdIndex?: boolean;
}

/**
 * The store's TypeORM migrations for one schema, for a data source of your own or the
 * TypeORM CLI (the module runs them by itself at startup). Their names carry the
 * schema, so stores in two schemas of one database each get their tables.
 * @example
 * new DataSource({ type: 'postgres', url, migrations: [...eventStoreMigrations('public'), ...mine] })
 */
export function eventStoreMigrations(schema = 'public', options: EventStoreMigrationOptions = {}): MigrationClass[] {
  const s = quoteIdentifier(schema);
  const suffix = schema.replace(/[^A-Za-z0-9]/g, '_');
  return [
    migration(`EventStoreInitial_${suffix}_1763800000000`, initialSchemaSql(s), dropInitialSchemaSql(s)),
    migration(`EventStoreSnapshots_${suffix}_1763900000000`, snapshotSchemaSql(s), dropSnapshotSchemaSql(s)),
    migration(
      `EventStoreSubscriptions_${suffix}_1764000000000`,
      subscriptionSchemaSql(s),
      dropSubscriptionSchemaSql(s),
    ),
    migration(`EventStoreSagas_${suffix}_1764100000000`, sagaSchemaSql(s), dropSagaSchemaSql(s)),
    migration(`IdempotencyKeys_${suffix}_1764200000000`, idempotencySchemaSql(s), dropIdempotencySchemaSql(s)),
    migration(
      `EventStoreAppendConflict_${suffix}_1764500000000`,
      appendConflictSchemaSql(s),
      dropAppendConflictSchemaSql(s),
    ),
    migration(
      `EventStoreAppendConflictOne_${suffix}_1764600000000`,
      appendConflictOneSchemaSql(s),
      dropAppendConflictOneSchemaSql(s),
    ),
    // The correlation index of the first migration becomes optional: dropped unless
    // wanted. Down restores what the first migration made, whichever way up went.
    migration(
      `EventStoreCorrelationIndexOptional_${suffix}_1764700000000`,
      options.correlationIdIndex === true ? [] : dropCorrelationIndexSql(s),
      correlationIndexSql(s),
    ),
    migration(`EventStoreTags_${suffix}_1764800000000`, tagsSchemaSql(s), dropTagsSchemaSql(s)),
    migration(`EventStoreAppendGuard_${suffix}_1764900000000`, appendGuardSchemaSql(s), dropAppendGuardSchemaSql(s)),
    // The inbox of inbound integration messages (nest-event-sourcing/brokers).
    migration(`EventStoreInbox_${suffix}_1765000000000`, inboxSchemaSql(s), dropInboxSchemaSql(s)),
    // Natural keys, and the tombstones of hard-deleted streams.
    migration(`EventStoreLifecycle_${suffix}_1765100000000`, lifecycleSchemaSql(s), dropLifecycleSchemaSql(s)),
    // Keys of data subjects, for personal data encrypted per subject (crypto-shredding).
    migration(`EventStorePersonalData_${suffix}_1765200000000`, personalDataSchemaSql(s), dropPersonalDataSchemaSql(s)),
    // The heartbeats of instances sharing partitioned subscribers.
    migration(`EventStoreInstances_${suffix}_1765300000000`, instanceSchemaSql(s), dropInstanceSchemaSql(s)),
    // The permissions read model of the access module (docs/authorization.md).
    migration(`EventStorePermissions_${suffix}_1765400000000`, permissionSchemaSql(s), dropPermissionSchemaSql(s)),
    // Each event's tenant, from its metadata (docs/tenancy.md).
    migration(`EventStoreTenants_${suffix}_1765400000001`, tenantSchemaSql(s), dropTenantSchemaSql(s)),
    // Natural keys and decision conditions per tenant (docs/tenancy.md).
    migration(
      `EventStoreTenantUniqueness_${suffix}_1765500000000`,
      tenantUniquenessSchemaSql(s),
      dropTenantUniquenessSchemaSql(s),
    ),
    // Saga instances per tenant (docs/tenancy.md).
    migration(`EventStoreSagaTenants_${suffix}_1765700000000`, sagaTenantSchemaSql(s), dropSagaTenantSchemaSql(s)),
  ];
}

function migration(name: string, up: string[], down: string[]): MigrationClass {
  return class implements MigrationInterface {
    // TypeORM reads the timestamp from the name's last 13 digits.
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const sql of up) await queryRunner.query(sql);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const sql of down) await queryRunner.query(sql);
    }
  };
}
