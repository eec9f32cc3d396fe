import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope';
import type { MessageContext } from '../events/message-context';
import type { EventStore, GlobalCursor } from '../store/event-store';
import type { EventFilter } from '../store/event-query';
import { pagesIn, queryEventsIn } from '../store/query-events-in';
import { streamPartition } from '../store/stream-partition';
import { compareCursors, cursorOf } from './global-cursor';
import { partitionKey } from './partition-views';
import type { SubscriberDefinition } from './subscriber-definition';

/** What `Subscriptions.rebuildTenant` did (`Awaited<ReturnType<Subscriptions['rebuildTenant']>>`). */
export interface TenantRebuildResult {
  /** The projection. */
  name: string;
  tenantId: string;
  /** How many of the tenant's events were replayed into it. */
  events: number;
}

/** What {@link replayTenant} reads and runs with. @internal */
export interface TenantReplayDeps {
  store: EventStore;
  context: MessageContext;
  pageSize: number;
}

/**
 * Resets one tenant's rows of a projection and replays that tenant's events into it, up
 * to where its checkpoints stand (`cursors`, by checkpoint key, held by the caller so
 * they cannot move meanwhile): exactly the tenant's events the live subscriber has
 * applied, no more, so that those after them reach the read model once, from the live
 * subscriber. Reads by the indexed tenant column, oldest first, a page at a time, on
 * the caller's transaction (`manager`); handlers run in the tenant's `MessageContext`,
 * with `replaying: true`. @returns how many events were replayed. @internal
 */
export async function replayTenant(
  definition: SubscriberDefinition,
  tenantId: string,
  cursors: ReadonlyMap<string, GlobalCursor>,
  manager: EntityManager | undefined,
  deps: TenantReplayDeps,
): Promise<number> {
  const { store, context, pageSize } = deps;
  await context.run({ correlationId: randomUUID(), tenantId }, () => definition.resetTenant!(tenantId, manager));
  const filter: EventFilter = { tenantId, ...(definition.types.length > 0 && { types: definition.types }) };
  // Events the subscriber has applied sit at or below the highest position stored now: one
  // committed late with a lower transaction id was given its position before this read.
  const [newest] = await queryEventsIn(store, context, { ...filter, limit: 1 }, manager);
  if (!newest) return 0;
  const applied = appliedBy(definition, cursors);
  let replayed = 0;
  for await (const page of pagesIn(store, context, { ...filter, toPosition: newest.position }, manager, pageSize)) {
    const events = page.filter(applied);
    if (events.length === 0) continue;
    const delivery = { manager, replaying: true, attempt: 1 };
    await context.run({ correlationId: randomUUID(), tenantId }, async () => {
      if (definition.handlePage) await definition.handlePage(events, delivery);
      else for (const event of events) await definition.handle(event, delivery);
    });
    replayed += events.length;
  }
  return replayed;
}

/** Whether the subscriber (the partition of the event's stream) has applied an event. */
function appliedBy(
  definition: SubscriberDefinition,
  cursors: ReadonlyMap<string, GlobalCursor>,
): (event: EventEnvelope) => boolean {
  const count = definition.options.partitions;
  return (event) => {
    const key =
      count > 1 ? partitionKey(definition.name, streamPartition(event.streamId, count), count) : definition.name;
    const cursor = cursors.get(key);
    return cursor !== undefined && compareCursors(cursorOf(event), cursor) <= 0;
  };
}
