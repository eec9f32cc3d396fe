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
  /** The instance running it, if any; `local` when it is this process. */
  instance: { local: boolean; pid: number | null; applicationName: string | null } | null;
  /** Present when events it wants are committed but hidden behind an open transaction. */
  heldBackBy?: HoldingTransaction;
  rebuild?: RebuildProgress;
  /** Events it parked (see `Subscriptions.parked`). */
  parked: number;
  /** The last error, while it is failing or parked. */
  lastError?: { message: string; at: Date };
  updatedAt: Date;
}
