import { SnapshotStore, type Snapshot } from '../snapshot-store';
import type { StreamCache } from '../stream-caches';

/**
 * Snapshots in process memory, for tests with the in-memory event store. Added to that
 * store's caches, so that a hard delete (which drops `es_snapshots` rows on PostgreSQL)
 * drops the stream's snapshot here too.
 */
export class InMemorySnapshotStore extends SnapshotStore implements StreamCache {
  private readonly snapshots = new Map<string, Snapshot>();

  forget(streamId: string): void {
    this.snapshots.delete(streamId);
  }

  /** Keeps them: a snapshot in memory cannot have come from a database that went away. */
  clear(): void {}

  override async load(streamId: string, maxVersion?: number): Promise<Snapshot | undefined> {
    const snapshot = this.snapshots.get(streamId);
    if (!snapshot || (maxVersion !== undefined && snapshot.version > maxVersion)) return undefined;
    return JSON.parse(JSON.stringify(snapshot)) as Snapshot;
  }

  override async save(snapshot: Snapshot): Promise<void> {
    const stored = this.snapshots.get(snapshot.streamId);
    if (!stored || stored.version <= snapshot.version) {
      this.snapshots.set(snapshot.streamId, JSON.parse(JSON.stringify(snapshot)) as Snapshot);
    }
  }
}
