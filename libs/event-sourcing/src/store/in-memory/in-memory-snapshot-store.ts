import { SnapshotStore, type Snapshot } from '../snapshot-store';

/** Snapshots in process memory, for tests with the in-memory event store. */
export class InMemorySnapshotStore extends SnapshotStore {
  private readonly snapshots = new Map<string, Snapshot>();

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

  override async drop(streamIds: readonly string[]): Promise<void> {
    for (const streamId of streamIds) this.snapshots.delete(streamId);
  }
}
