import type { EntityManager } from 'typeorm';
import type { GlobalCursor } from '../store/event-store';
import type { CheckpointStore, ParkedEvent } from './checkpoint-store';
import type { SubscriberDefinition } from './subscriber-definition';
import type { SubscriberStatus } from './subscriber-status';
import type { SubscriberState } from './subscription-runner';

/**
 * Where `Subscriptions` runs its subscribers: on PostgreSQL (`PostgresSubscriptions`) or
 * in memory (`MemorySubscriptions`). `Subscriptions` checks names and options; a backend
 * does the work on its own store. @internal
 */
export interface SubscriptionBackend {
  /** The checkpoint operations both stores keep alike (pause, resume, waits, parked). */
  readonly checkpoints: Pick<CheckpointStore, 'load' | 'setStatus' | 'parked' | 'transactionOf'>;
  /** Runs the subscribers: a partitioned one as one runner per partition (see `partitionViews`). */
  start(definitions: readonly SubscriberDefinition[], inline: readonly SubscriberDefinition[]): Promise<void> | void;
  stop(): Promise<void>;
  /** The statuses of runners' views: subscribers, and the partitions of partitioned ones, one each. */
  status(views: readonly SubscriberDefinition[]): Promise<SubscriberStatus[]>;
  /**
   * Resets a projection and moves its checkpoints (its own, or those of all its
   * partitions: `keys`) to the start, in one transaction; refused while one is paused.
   */
  rebuild(definition: SubscriberDefinition, keys: readonly string[]): Promise<void>;
  /**
   * Runs `work` holding the checkpoints `keys` (locked in one transaction on PostgreSQL,
   * whose manager `work` gets; exclusive in memory), so that no batch of them runs, and
   * none moves, until it ends; `work` gets where each stands.
   */
  holdCheckpoints<T>(
    keys: readonly string[],
    work: (cursors: ReadonlyMap<string, GlobalCursor>, manager: EntityManager | undefined) => Promise<T>,
  ): Promise<T>;
  /** `view`: the subscriber, or the view of the partition that parked it. */
  retryParked(view: SubscriberDefinition, parked: ParkedEvent): Promise<'resumed' | 'handled'>;
  dismissParked(name: string, eventId: string): Promise<void>;
  /** The last event in the subscribers' order, if any. */
  lastCursor(): Promise<GlobalCursor | undefined>;
  /** Has a subscriber read the store now. */
  wake(name: string): void;
  /** Has a subscriber look at its checkpoint again, wherever it runs (its status changed). */
  poke(name: string): void;
  localState(name: string): SubscriberState | undefined;
}
