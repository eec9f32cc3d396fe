import type { GlobalCursor } from '../store/event-store';
import type { SubscriberKind } from './subscriber-definition';
import type { SubscriberState } from './subscription-runner';

/** Progress of a rebuild. */
export interface RebuildProgress {
  startedAt: Date;
  /** Events replayed so far. */
  done: number;
  /** Events to replay in all: done plus those still ahead. */
  total: number;
  /** 0–100. */
  percent: number;
  eventsPerSecond: number;
}

/** The transaction that keeps a subscriber from reading later events. */
export interface HoldingTransaction {
  /** Its PostgreSQL transaction id. */
  transactionId: bigint;
  pid: number | null;
  database: string | null;
  applicationName: string | null;
  /** When it started. */
  since: Date | null;
}

/** The instance running a subscriber or one of its partitions. */
export interface SubscriberInstance {
  /** Whether it is this process. */
  local: boolean;
  /** The PostgreSQL backend pid of its subscription connection, when known. */
  pid: number | null;
  applicationName: string | null;
  /** Its id among the instances heartbeating (`host:pid:random`), when known. */
  id?: string;
}

/** One partition of a partitioned subscriber (see `SubscriberOptions.partitions`). */
export interface PartitionStatus {
  /** 0 to count - 1. */
  partition: number;
  /** Its checkpoint key, `<name>#<partition>/<count>`. */
  key: string;
  state: SubscriberState;
  cursor: GlobalCursor;
  position: bigint;
  lag: number;
  instance: SubscriberInstance | null;
  parked: number;
  rebuild?: RebuildProgress;
  lastError?: { message: string; at: Date };
  updatedAt: Date;
  /**
   * Of a partitioned subscriber, each partition; the fields above then sum them up: the
   * first state of failing, parked, stopped, held-back, rebuilding, starting, standby,
   * running, caught-up that a partition is in; the lowest cursor; the highest position;
   * lag, parked and rebuild progress added up.
   */
  partitions?: PartitionStatus[];
}

/** One subscriber, as `Subscriptions.status` reports it. */
export interface SubscriberStatus {
  name: string;
  kind: SubscriberKind;
  /** The class that declares it. */
  owner: string;
  state: SubscriberState;
  /** Everything up to this cursor is handled. */
  cursor: GlobalCursor;
  /** Global position of the last event it handled (0 for none). */
  position: bigint;
  /** The store's highest global position. */
  head: bigint;
  /** Events of its types not handled yet (counted up to 100,000: status is cheap to ask). */
  lag: number;
  /**
   * The instance running it, if any; `local` when it is this process. Of a partitioned
   * subscriber: this process when it runs a partition, else the first partition's.
   */
  instance: SubscriberInstance | null;
  /** Present when events it wants are committed but hidden behind an open transaction. */
  heldBackBy?: HoldingTransaction;
  rebuild?: RebuildProgress;
  /** Events it parked (see `Subscriptions.parked`). */
  parked: number;
  /** The last error, while it is failing or parked. */
  lastError?: { message: string; at: Date };
  updatedAt: Date;
  /**
   * Of a partitioned subscriber, each partition; the fields above then sum them up: the
   * first state of failing, parked, stopped, held-back, rebuilding, starting, standby,
   * running, caught-up that a partition is in; the lowest cursor; the highest position;
   * lag, parked and rebuild progress added up.
   */
  partitions?: PartitionStatus[];
}
