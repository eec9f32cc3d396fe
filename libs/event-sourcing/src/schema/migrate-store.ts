import { Logger } from '@nestjs/common';
import type { DataSource, QueryRunner } from 'typeorm';
import { quoteIdentifier } from '../database/quote-identifier';
import { reconcileCorrelationIndex } from './correlation-index';

const logger = new Logger('EventSourcing');

/**
 * Runs the data source's pending migrations (the store's, from `eventStoreMigrations`,
 * and the user's), one instance at a time under a session advisory lock on a connection
 * of its own, then builds or reports the optional correlation-id index. @internal
 */
export async function migrateStore(
  dataSource: DataSource,
  options: { schema: string; correlationIdIndex: boolean },
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext('event-sourcing.migrations'))`);
    await dataSource.runMigrations({ transaction: 'each' });
    await reconcile(runner, options.schema, options.correlationIdIndex);
  } finally {
    await runner.query(`SELECT pg_advisory_unlock(hashtext('event-sourcing.migrations'))`).catch(() => undefined);
    await runner.release();
  }
}

/** Builds the optional correlation-id index when wanted and missing; says so when it is there unwanted. */
async function reconcile(runner: QueryRunner, schema: string, wanted: boolean): Promise<void> {
  const outcome = await reconcileCorrelationIndex(runner, schema, wanted);
  const index = `${quoteIdentifier(schema)}.es_events_correlation_idx`;
  if (outcome === 'built') logger.log(`Built ${index} (correlationIdIndex is on)`);
  if (outcome === 'building') logger.warn(`${index} is being built by another session; left to it`);
  if (outcome === 'busy') {
    logger.warn(`${index} was not built: es_events stayed locked by others; the next start tries again`);
  }
  if (outcome === 'unwanted') {
    logger.warn(
      `${index} exists but correlationIdIndex is off: every append pays for it. Drop it with DROP INDEX CONCURRENTLY ${index}, or turn the option on.`,
    );
  }
}
