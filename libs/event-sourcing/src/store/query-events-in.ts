import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope';
import type { EventQuery } from './event-query';
import type { EventStore } from './event-store';
import { PostgresEventStore } from './postgres/postgres-event-store';

/**
 * `store.queryEvents(query)`, but on PostgreSQL on the connection of the transaction that
 * `manager` belongs to: on the primary (never a read replica), seeing what that
 * transaction sees, and taking no other connection from the pool. Rebuilds that hold
 * locks read this way. Not scoped by tenant: give `tenantId` in the query. @internal
 */
export async function queryEventsIn(
  store: EventStore,
  query: EventQuery,
  manager: EntityManager | undefined,
): Promise<EventEnvelope[]> {
  if (store instanceof PostgresEventStore && manager?.queryRunner) {
    const client = (await manager.queryRunner.connect()) as PoolClient;
    return store.queryOn(client, query);
  }
  return store.queryEvents(query);
}
