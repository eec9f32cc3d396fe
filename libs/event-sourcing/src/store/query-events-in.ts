import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope';
import type { MessageContext } from '../events/message-context';
import type { EventFilter, EventQuery } from './event-query';
import type { EventStore } from './event-store';
import { PostgresEventStore } from './postgres/postgres-event-store';

/**
 * `store.queryEvents(query)`, but on PostgreSQL on the connection of the transaction that
 * `manager` belongs to: on the primary (never a read replica), seeing what that
 * transaction sees, and taking no other connection from the pool. Rebuilds that hold
 * locks read this way. Read as work without a tenant (`context`), whatever context the
 * caller runs in, so the query alone says which tenant's events: give `tenantId` in it.
 * @internal
 */
export async function queryEventsIn(
  store: EventStore,
  context: MessageContext,
  query: EventQuery,
  manager: EntityManager | undefined,
): Promise<EventEnvelope[]> {
  return context.run({ correlationId: context.current()?.correlationId ?? randomUUID() }, async () => {
    if (store instanceof PostgresEventStore && manager?.queryRunner) {
      const client = (await manager.queryRunner.connect()) as PoolClient;
      return store.queryOn(client, query);
    }
    return store.queryEvents(query);
  });
}

/**
 * The events `filter` matches (up to `toPosition` when given), oldest first, a page of
 * `pageSize` at a time, read by {@link queryEventsIn}: how a rebuild walks its part of the
 * store. Yields each non-empty page. @internal
 */
export async function* pagesIn(
  store: EventStore,
  context: MessageContext,
  filter: EventFilter & { toPosition?: bigint },
  manager: EntityManager | undefined,
  pageSize: number,
): AsyncGenerator<EventEnvelope[]> {
  for (let from = 0n; ;) {
    const query = { ...filter, fromPosition: from, order: 'oldest-first' as const, limit: pageSize };
    const page = await queryEventsIn(store, context, query, manager);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    from = page.at(-1)!.position + 1n;
  }
}
