import type { Logger } from '@nestjs/common';
import { errorMessage } from '../errors/error-message';
import { findDatePaths, restoreDates } from '../events/date-paths';
import { DATE_PATHS_KEY } from '../events/event-type-registry';
import { serializeJson } from '../store/json-check';
import type { SnapshotStore } from '../store/snapshot-store';
import type { AggregateMetadata, SnapshotPolicy } from './aggregate.decorator';
import type { AggregateRoot } from './aggregate-root';
import type { StreamCache } from '../store/stream-caches';

/**
 * The snapshots of one aggregate class: restores the newest usable one into a fresh
 * aggregate, and takes one after a save when the class's policy says so. A snapshot is
 * an optimisation: any failure falls back to replaying the events. @internal
 */
export class AggregateSnapshots<T extends AggregateRoot> implements StreamCache {
  private unsnapshottable = false;
  /**
   * Stream versions this process saw last. For `{ every: n }` snapshots, a stream known
   * to be below n has no snapshot, so its load skips that round trip. Only a hint: a
   * stream that grew elsewhere is loaded from its events, which is slower, never wrong.
   */
  private readonly knownVersions = new Map<string, number>();

  constructor(
    private readonly className: string,
    private readonly metadata: AggregateMetadata,
    private readonly store: SnapshotStore,
    private readonly logger: Logger,
  ) {}

  forget(streamId: string): void {
    this.knownVersions.delete(streamId);
  }

  clear(): void {
    this.knownVersions.clear();
  }

  /** Restores the newest snapshot at or below `maxVersion` into `aggregate`; answers its version, 0 for none. */
  async restore(aggregate: T, streamId: string, maxVersion?: number): Promise<number> {
    if (this.metadata.snapshots === 'never' || this.surelyNone(streamId)) return 0;
    const snapshot = await this.store.load(streamId, maxVersion);
    if (!snapshot || snapshot.revision !== this.metadata.snapshotRevision) return 0;
    const { [DATE_PATHS_KEY]: dates, ...state } = snapshot.state;
    aggregate.restoreSnapshot(restoreDates(state, dates));
    return snapshot.version;
  }

  /** Notes the version a stream was seen at. */
  remember(streamId: string, version: number): void {
    // Bounded: forgetting only costs a snapshot lookup.
    if (this.knownVersions.size >= 10_000) this.knownVersions.clear();
    this.knownVersions.set(streamId, version);
  }

  /** Takes a snapshot of a saved aggregate when the save crossed the policy's mark. */
  async afterSave(aggregate: T, streamId: string, before: number): Promise<void> {
    if (!snapshotDue(this.metadata.snapshots, before, aggregate.version)) return;
    const state = aggregate.toSnapshot();
    const serialized = serializeJson(state, `${this.className} snapshot`);
    if ('problem' in serialized) {
      // A snapshot that would not read back as it was is worse than none: loads replay events.
      if (!this.unsnapshottable) {
        this.unsnapshottable = true;
        this.logger.warn(
          `No snapshots of ${this.className}: ${serialized.problem}. Override toSnapshot and restoreSnapshot.`,
        );
      }
      return;
    }
    const dates = findDatePaths(state);
    try {
      await this.store.save({
        streamId,
        version: aggregate.version,
        revision: this.metadata.snapshotRevision,
        state: dates.length ? { ...state, [DATE_PATHS_KEY]: dates } : state,
      });
    } catch (error) {
      this.logger.warn(`Snapshot of ${aggregate.id} at version ${aggregate.version} failed: ${errorMessage(error)}`);
    }
  }

  private surelyNone(streamId: string): boolean {
    const policy = this.metadata.snapshots;
    if (typeof policy !== 'object') return false;
    const known = this.knownVersions.get(streamId);
    return known !== undefined && known < policy.every;
  }
}

function snapshotDue(policy: SnapshotPolicy, before: number, after: number): boolean {
  if (policy === 'never') return false;
  if (policy === 'always') return true;
  return Math.floor(after / policy.every) > Math.floor(before / policy.every);
}
