import type { EntityManager } from 'typeorm';

/** A stored snapshot of an aggregate's state at one version of its stream. */
export interface Snapshot {
  streamId: string;
  /** Version of the last event the state includes. */
  version: number;
  /** The aggregate's `snapshotRevision` when it was taken. */
  revision: number;
  state: Record<string, unknown>;
}

/**
 * Keeps the newest snapshot of each stream. Bound to the PostgreSQL table
 * `es_snapshots`, or to memory with the in-memory store.
 */
export abstract class SnapshotStore {
  /** The newest snapshot of a stream at or below `maxVersion` (any version when absent). */
  abstract load(streamId: string, maxVersion?: number): Promise<Snapshot | undefined>;

  /** Stores a snapshot, replacing an older one of the stream; a newer stored one wins. */
  abstract save(snapshot: Snapshot): Promise<void>;

  /**
   * Drops the snapshots of these streams: they hold personal data of a subject being
   * forgotten, which the aggregate's state may copy. Aggregates load from their events
   * then, and take new snapshots, without it. `manager`: the forget's transaction.
   */
  abstract drop(streamIds: readonly string[], manager?: EntityManager): Promise<void>;
}
