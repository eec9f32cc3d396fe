import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope';
import type { StreamPartition } from '../store/stream-partition';
import type { ResolvedSubscriberOptions } from './subscriber-options';

/** What kind of subscriber a definition runs. */
export type SubscriberKind = 'projection' | 'handler' | 'saga' | 'publisher';

/** What a subscriber's handling of one event is given. @internal */
export interface DeliveryContext {
  /** The transaction's manager, for transactional subscribers. */
  manager: EntityManager | undefined;
  replaying: boolean;
  attempt: number;
}

/**
 * One durable subscriber as the runner sees it, whatever declared it: a name (its
 * checkpoint), the stored types it wants, and how to handle one stored envelope.
 * @internal
 */
export interface SubscriberDefinition {
  name: string;
  kind: SubscriberKind;
  /** The class that declared it, for messages. */
  owner: string;
  /** Stored type names it handles; it reads nothing else. Empty: every type. */
  types: string[];
  options: ResolvedSubscriberOptions;
  /**
   * Set on the view of one partition of a partitioned subscriber (see `partitionViews`):
   * its `name` is then the partition's checkpoint key, `subscriber` the subscriber's name.
   */
  partition?: StreamPartition & { subscriber: string };
  /** Whether handling runs in a transaction that commits with the checkpoint. */
  transactional: boolean;
  /** Whether `Subscriptions.rebuild` may reset and replay it (projections only). */
  rebuildable: boolean;
  /**
   * Whether it writes TypeORM read models through its entity manager (a projection with
   * `readModels`): it needs PostgreSQL, so `database: 'memory'` does not run it.
   */
  keepsReadModels?: boolean;
  handle(envelope: EventEnvelope, context: DeliveryContext): Promise<void>;
  /**
   * Handles a whole page at once (a projection's `@OnPage`), in the page's transaction;
   * without it, the page goes to `handle` event by event.
   */
  handlePage?(envelopes: EventEnvelope[], context: DeliveryContext): Promise<void>;
  /** Called after a batch of it commits: sagas dispatch the commands it stored. */
  afterCommit?(): void;
  /**
   * Called after its checkpoint moves up to the horizon (past what it read, if anything):
   * sagas fire the deadlines that waited for it (see `DeadlineFence`).
   */
  afterMove?(): void;
  /**
   * Clears the read models before a rebuild, in the rebuild's transaction; with no
   * manager under `database: 'memory'`.
   */
  reset?(manager: EntityManager | undefined): Promise<void>;
  /**
   * Clears one tenant's rows before a per-tenant rebuild, in its transaction (a
   * projection's `resetTenant`); absent when the projection has none.
   */
  resetTenant?(tenantId: string, manager: EntityManager | undefined): Promise<void>;
}
