import type { AggregateRoot } from './aggregate-root';

/**
 * Aggregates kept in memory after a command saved them, by stream id, so that the next
 * command on the same aggregate skips reading its stream. Bounded: the least recently
 * kept go first. An entry is taken out while a command uses it, so no two commands ever
 * share an instance. @internal
 */
export class WarmAggregates<T extends AggregateRoot> {
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

  /** Keeps `aggregate` at its saved version, unless a newer one of the stream is kept. */
  keep(streamId: string, aggregate: T): void {
    const kept = this.entries.get(streamId);
    if (kept && kept.version > aggregate.version) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, { aggregate, version: aggregate.version });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

/**
 * What one try of a command handler did with warm aggregates: those it took from a cache
 * and no save has yet shown to be current, and those to keep once it succeeds. The
 * command handler enhancer opens one per try. @internal
 */
export class WarmScope {
  private readonly unconfirmed = new Map<string, { version: number; currentVersion: () => Promise<number> }>();
  private readonly toKeep: (() => void)[] = [];

  /** Records a warm load at `version`; `currentVersion` asks the store for the stream's. */
  took(streamId: string, version: number, currentVersion: () => Promise<number>): void {
    this.unconfirmed.set(streamId, { version, currentVersion });
  }

  /** A save appended with the loaded version as expected version: the state was current. */
  confirmed(streamId: string): void {
    this.unconfirmed.delete(streamId);
  }

  /**
   * The first warm load (`except`'s aside) whose stream has moved on, asking the store
   * for each one not yet confirmed; those found current count as confirmed from then on.
   */
  async firstStale(except?: string): Promise<StaleLoad | undefined> {
    for (const [streamId, { version, currentVersion }] of [...this.unconfirmed]) {
      if (streamId === except) continue;
      const actual = await currentVersion();
      if (actual !== version) return { streamId, version, actual };
      this.unconfirmed.delete(streamId);
    }
    return undefined;
  }

  /** Runs `keep` when the try succeeds. */
  keepOnSuccess(keep: () => void): void {
    this.toKeep.push(keep);
  }

  /** The try succeeded: its saved aggregates go to their caches. */
  succeeded(): void {
    for (const keep of this.toKeep.splice(0)) keep();
  }
}

/** A warm aggregate that was behind its stream. @internal */
export interface StaleLoad {
  streamId: string;
  /** The version it was kept at. */
  version: number;
  /** The stream's version. */
  actual: number;
}
