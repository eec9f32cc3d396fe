import { STREAM_DELETED, STREAM_RESTORED } from '../events/stream-lifecycle-types';
import type { AggregateRoot } from './aggregate-root';
import type { AggregateRepositoryDeps } from './aggregate-repository-deps';
import type { AggregateSnapshots } from './aggregate-snapshots';
import type { AggregateNaturalKeys } from './aggregate-natural-keys';
import type { WarmAggregates } from './warm-aggregates';
import { traceLoad } from './trace-load';

/** How far back a load goes: up to a version, or to the events created by a time. @internal */
export interface LoadLimit {
  maxVersion?: number;
  until?: Date;
}

/**
 * How the repository of one aggregate class loads: a warm copy when the command may use
 * one, else the newest snapshot and the later events. The store's lifecycle events are
 * not the aggregate's: they mark it deleted or restored (see {@link isDeleted}). @internal
 */
export class AggregateLoader<T extends AggregateRoot> {
  /** Aggregates whose stream was soft-deleted when they were loaded. */
  private readonly deleted = new WeakSet<T>();

  constructor(
    private readonly create: (id: string) => T,
    private readonly deps: AggregateRepositoryDeps,
    private readonly parts: {
      className: string;
      snapshots: AggregateSnapshots<T>;
      warm: WarmAggregates<T> | undefined;
      keys: AggregateNaturalKeys<T>;
    },
  ) {}

  /** Whether `aggregate`'s stream was soft-deleted when it was loaded. */
  isDeleted(aggregate: T): boolean {
    return this.deleted.has(aggregate);
  }

  /** Marks `aggregate` deleted or not, as a save of a soft delete or a restore left it. */
  markDeleted(aggregate: T, deleted: boolean): void {
    if (deleted) this.deleted.add(aggregate);
    else this.deleted.delete(aggregate);
  }

  /** The aggregate as of its latest event: warm when it may be (at `expectedVersion` if given), else rebuilt. */
  latest(id: string, streamId: string, expectedVersion?: number): Promise<T | null> {
    return traceLoad(
      this.parts.className,
      streamId,
      () => this.takeWarm(streamId, expectedVersion) ?? this.rebuild(id, streamId, {}),
    );
  }

  /**
   * The aggregate kept warm by an earlier command, when the current command may use one
   * (see `warmAggregates` in the module options). Its state is confirmed later: by the
   * append of its save, else by the command handler enhancer asking the stream's version.
   */
  private takeWarm(streamId: string, expectedVersion?: number): T | undefined {
    const scope = this.deps.tries.warmScope();
    const warm = this.parts.warm;
    if (!warm || !scope?.open) return undefined;
    const aggregate = warm.take(streamId);
    if (!aggregate || (expectedVersion !== undefined && aggregate.version !== expectedVersion)) return undefined;
    scope.took(
      streamId,
      aggregate.version,
      () => this.deps.store.streamVersion(streamId),
      () => warm.keep(streamId, aggregate),
    );
    return aggregate;
  }

  /** Replays the stream (from the newest usable snapshot unless `until`); null when it has no events. */
  async rebuild(id: string, streamId: string, limit: LoadLimit): Promise<T | null> {
    const aggregate = this.create(id);
    const { snapshots } = this.parts;
    // A snapshot holds the state at its version, whatever its events' times: not for `until`.
    let version = limit.until ? 0 : await snapshots.restore(aggregate, streamId, limit.maxVersion);
    let deleted = false;
    for await (const envelope of this.deps.store.iterateStream(streamId, {
      fromVersion: version + 1,
      toVersion: limit.maxVersion,
    })) {
      if (limit.until && envelope.createdAt > limit.until) break;
      version = envelope.version;
      if (envelope.type === STREAM_DELETED || envelope.type === STREAM_RESTORED) {
        deleted = envelope.type === STREAM_DELETED;
        continue;
      }
      const event = this.deps.registry.toInstance(envelope, this.deps.unknownEvents);
      if (event) aggregate.apply(event, true);
    }
    if (version === 0) return null;
    aggregate.markPersisted(version);
    this.markDeleted(aggregate, deleted);
    this.parts.keys.remember(aggregate);
    if (limit.maxVersion === undefined) snapshots.remember(streamId, version);
    return aggregate;
  }
}
