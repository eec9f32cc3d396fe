import type { StreamCache } from '../store/stream-caches';
import type { AggregateRoot } from './aggregate-root';

/**
 * Aggregates kept in memory after a command saved them, by stream id, so that the next
 * command on the same aggregate skips reading its stream. Bounded: the least recently
 * kept go first. An entry is taken out while a command uses it, so no two commands ever
 * share an instance. @internal
 */
export class WarmAggregates<T extends AggregateRoot> implements StreamCache {
  private readonly entries = new Map<string, { aggregate: T; version: number }>();

  constructor(private readonly maxEntries: number) {}

  /** The kept aggregate, removed from the cache; undefined when none is usable. */
  take(streamId: string): T | undefined {
    const entry = this.entries.get(streamId);
    if (!entry) return undefined;
    this.entries.delete(streamId);
    const { aggregate, version } = entry;
    // Changed since it was kept (events applied but not saved): not the stored state.
    if (aggregate.version !== version || aggregate.getUncommittedEvents().length > 0) return undefined;
    return aggregate;
  }

  forget(streamId: string): void {
    this.entries.delete(streamId);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Keeps `aggregate` at its saved version, unless a newer one of the stream is kept. */
  keep(streamId: string, aggregate: T): void {
    const kept = this.entries.get(streamId);
    if (kept && kept.version > aggregate.version) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, { aggregate, version: aggregate.version });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
