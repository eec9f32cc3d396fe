import { Logger } from '@nestjs/common';
import type { EventBus } from '@nestjs/cqrs';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { InvalidStreamIdError } from '../errors/invalid-stream-id-error';
import { assertStreamId } from '../store/prepared-append';
import { ConcurrencyError } from '../errors/concurrency-error';
import { messageMetadata } from '../events/message-metadata';
import { publishCommitted } from '../commands/publish-committed';
import type { EventTypeRegistry, UnknownEventPolicy } from '../events/event-type-registry';
import type { CommandTries } from '../commands/command-tries';
import type { MessageContext } from '../events/message-context';
import type { EventStore } from '../store/event-store';
import type { SnapshotStore } from '../store/snapshot-store';
import { requireAggregateMetadata, type AggregateMetadata } from './aggregate.decorator';
import type { AggregateRoot } from './aggregate-root';
import { AggregateSnapshots } from './aggregate-snapshots';
import { getApplyHandlers } from './apply.decorator';
import { WarmAggregates } from './warm-aggregates';
import { tenantScopeOf } from '../store/tenant-scope';
import { traceLoad } from './trace-load';

import type {
  AggregateClass,
  LoadOptions,
  SaveOptions,
  SaveResult,
  Saved,
  UpdateOptions,
} from './aggregate-repository-types';

/** Dependencies of a repository, shared by all of an application's repositories. @internal */
export interface AggregateRepositoryDeps {
  store: EventStore;
  snapshots: SnapshotStore;
  registry: EventTypeRegistry;
  context: MessageContext;
  /** Saves and warm scopes of the command being handled. */
  tries: CommandTries;
  eventBus: EventBus | undefined;
  unknownEvents: UnknownEventPolicy;
  /** Aggregates kept in memory between commands, at most this many; 0 keeps none. */
  warmAggregates: number;
}

/**
 * Loads and saves one aggregate class through the event store: a load replays the
 * stream (from the newest usable snapshot), a save appends the new events with the
 * loaded version as expected version, then publishes them on the `@nestjs/cqrs`
 * `EventBus`. Inject it with `@InjectAggregateRepository(BankAccount)`.
 */
export class AggregateRepository<T extends AggregateRoot> {
  private readonly logger: Logger;
  private readonly metadata: AggregateMetadata;
  private readonly snapshots: AggregateSnapshots<T>;
  private readonly warm: WarmAggregates<T> | undefined;

  constructor(
    private readonly aggregateClass: AggregateClass<T>,
    private readonly deps: AggregateRepositoryDeps,
  ) {
    this.metadata = requireAggregateMetadata(aggregateClass);
    this.logger = new Logger(`AggregateRepository<${aggregateClass.name}>`);
    this.snapshots = new AggregateSnapshots(aggregateClass.name, this.metadata, deps.snapshots, this.logger);
    this.warm = deps.warmAggregates > 0 ? new WarmAggregates(deps.warmAggregates) : undefined;
    // What they keep of streams goes with the store's: a stream's deletion reaches them.
    for (const cache of [this.snapshots, this.warm]) if (cache) deps.store.caches.add(cache);
    const handled = getApplyHandlers(aggregateClass.prototype as object).keys();
    for (const eventClass of handled) deps.registry.register(eventClass, aggregateClass.name);
  }

  /**
   * The stream of an aggregate id: `${streamType}-${id}`.
   * @throws InvalidStreamIdError for an id that is not a non-empty string, or too long.
   */
  streamId(id: string): string {
    if (typeof id !== 'string' || id.trim() === '') {
      throw new InvalidStreamIdError(id, `the ${this.aggregateClass.name} id must be a non-empty string`);
    }
    const streamId = `${this.metadata.streamType}-${id}`;
    assertStreamId(streamId);
    return streamId;
  }

  /**
   * The aggregate as of its latest event.
   * @throws AggregateNotFoundError when it has no events.
   * @throws ConcurrencyError when `expectedVersion` is given and differs.
   * @throws UnknownEventTypeError, UpcastError when a stored event cannot be read.
   */
  async load(id: string, options: LoadOptions = {}): Promise<T> {
    // Warm copies and snapshots are kept by stream id: another tenant's stream is not found.
    const hidden = (await tenantScopeOf(this.deps.store)?.isVisible(this.streamId(id))) === false;
    const aggregate = hidden ? null : await this.latest(id, options.expectedVersion);
    if (!aggregate) throw new AggregateNotFoundError(this.aggregateClass.name, id);
    if (options.expectedVersion !== undefined && aggregate.version !== options.expectedVersion) {
      throw new ConcurrencyError(this.streamId(id), options.expectedVersion, aggregate.version, false);
    }
    return aggregate;
  }

  /**
   * Load, decide, save in one call: loads the aggregate (at `expectedVersion` when given),
   * runs `decide` on it (a command method, which applies events or throws a
   * `DomainError`), and saves it at the version it was loaded at. Run in a command
   * handler, a version conflict runs the whole handler again (see `@CommandRetry`).
   * @throws AggregateNotFoundError, ConcurrencyError as {@link load} and {@link save}.
   * @example
   * execute({ accountId, amount, expectedVersion }: DepositMoney) {
   *   return this.accounts.update(accountId, (account) => account.deposit(amount), { expectedVersion });
   * }
   */
  async update(
    id: string,
    decide: (aggregate: T) => void | Promise<void>,
    options: UpdateOptions = {},
  ): Promise<Saved<T>> {
    const aggregate = await this.load(id, { expectedVersion: options.expectedVersion });
    await decide(aggregate);
    return { ...(await this.save(aggregate, { metadata: options.metadata, condition: options.condition })), aggregate };
  }

  /**
   * Starts a new aggregate with this id: `decide` applies its first events, and the save
   * expects no stream, so creating an id that exists fails with `ConcurrencyError`
   * (409 over HTTP) and writes nothing.
   * @throws ConcurrencyError when the aggregate exists already.
   * @example
   * execute({ listId, title }: CreateList) {
   *   return this.lists.create(listId, (list) => list.create(title));
   * }
   */
  async create(
    id: string,
    decide: (aggregate: T) => void | Promise<void>,
    options: SaveOptions = {},
  ): Promise<Saved<T>> {
    const aggregate = new this.aggregateClass(id);
    await decide(aggregate);
    return { ...(await this.save(aggregate, options)), aggregate };
  }

  /** The aggregate, or null when it has no events. */
  find(id: string): Promise<T | null> {
    return this.latest(id);
  }

  /** Whether the aggregate has any event. */
  async exists(id: string): Promise<boolean> {
    return (await this.deps.store.streamVersion(this.streamId(id))) > 0;
  }

  /**
   * The aggregate as it was at a version, or at a time (its events created up to then).
   * @throws AggregateNotFoundError when it had no events by then.
   * @throws InvalidQueryError for a version that is not a positive integer or beyond the
   *   stream, or an invalid Date.
   */
  async loadAt(id: string, at: { version: number } | { at: Date }): Promise<T> {
    if ('version' in at) {
      if (!Number.isSafeInteger(at.version) || at.version < 1) {
        throw new InvalidQueryError('version', at.version, 'give a positive integer');
      }
    } else if (!(at.at instanceof Date) || Number.isNaN(at.at.getTime())) {
      throw new InvalidQueryError('at', at.at, 'give a valid Date');
    }
    const aggregate = await this.rebuild(id, 'version' in at ? { maxVersion: at.version } : { until: at.at });
    if (!aggregate) throw new AggregateNotFoundError(this.aggregateClass.name, id);
    if ('version' in at && aggregate.version < at.version) {
      throw new InvalidQueryError(
        'version',
        at.version,
        `${this.aggregateClass.name} ${id} is only at version ${aggregate.version}`,
      );
    }
    return aggregate;
  }

  /**
   * Appends the aggregate's uncommitted events, expecting the version it was loaded at
   * (0 for a new one: saving a new aggregate whose stream exists fails), then publishes
   * them and takes a snapshot if the policy says so.
   * @throws ConcurrencyError when the stream moved since the load; nothing is written.
   * @throws AppendConditionError when `options.condition` (a decision's) fails; nothing is written.
   * @throws ConfigurationError for an event class without `@DomainEvent`.
   * @throws InvalidEventError, EventTooLargeError, DuplicateEventIdError as `EventStore.append`.
   */
  async save(aggregate: T, options: SaveOptions = {}): Promise<SaveResult> {
    const events = [...aggregate.getUncommittedEvents()];
    if (events.length === 0) return { version: aggregate.version, position: undefined, events };
    const metadata = messageMetadata(this.deps.context, options.metadata);
    const before = aggregate.version;
    const streamId = this.streamId(aggregate.id);
    const warmScope = this.deps.tries.warmScope();
    // What the command decided may rest on other aggregates taken warm: they must be current.
    const stale = await warmScope?.closeForWrite(streamId);
    if (stale) throw new ConcurrencyError(stale.streamId, stale.version, stale.actual);
    const result = await this.deps.store.append(
      streamId,
      events.map((event) => this.deps.registry.toNewEvent(event, metadata, undefined, aggregate.eventTags(event))),
      { expectedVersion: before, streamType: this.metadata.streamType, condition: options.condition },
    );
    aggregate.markPersisted(result.streamVersion);
    aggregate.uncommit();
    this.snapshots.remember(streamId, result.streamVersion);
    this.deps.tries.recordSave();
    const warm = this.warm;
    if (warmScope && warm) warmScope.saved(streamId, () => warm.keep(streamId, aggregate));
    this.publish(events);
    await this.snapshots.afterSave(aggregate, streamId, before);
    return { version: result.streamVersion, position: result.position, events };
  }

  /** The aggregate as of its latest event: warm when it may be (at `expectedVersion` if given), else rebuilt. */
  private async latest(id: string, expectedVersion?: number): Promise<T | null> {
    return traceLoad(
      this.aggregateClass.name,
      this.streamId(id),
      () => this.takeWarm(id, expectedVersion) ?? this.rebuild(id, {}),
    );
  }

  /**
   * The aggregate kept warm by an earlier command, when the current command may use one
   * (see `warmAggregates` in the module options). Its state is confirmed later: by the
   * append of its save, else by the command handler enhancer asking the stream's version.
   */
  private takeWarm(id: string, expectedVersion?: number): T | undefined {
    const scope = this.deps.tries.warmScope();
    const warm = this.warm;
    if (!warm || !scope?.open) return undefined;
    const streamId = this.streamId(id);
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

  private async rebuild(id: string, limit: { maxVersion?: number; until?: Date }): Promise<T | null> {
    const aggregate = new this.aggregateClass(id);
    const streamId = this.streamId(id);
    // A snapshot holds the state at its version, whatever its events' times: not for `until`.
    let version = limit.until ? 0 : await this.snapshots.restore(aggregate, streamId, limit.maxVersion);
    for await (const envelope of this.deps.store.iterateStream(streamId, {
      fromVersion: version + 1,
      toVersion: limit.maxVersion,
    })) {
      if (limit.until && envelope.createdAt > limit.until) break;
      const event = this.deps.registry.toInstance(envelope, this.deps.unknownEvents);
      if (event) aggregate.apply(event, true);
      version = envelope.version;
    }
    if (version === 0) return null;
    aggregate.markPersisted(version);
    if (limit.maxVersion === undefined) this.snapshots.remember(streamId, version);
    return aggregate;
  }

  private publish(events: object[]): void {
    publishCommitted(this.deps.tries, this.deps.eventBus, events, this.logger);
  }
}
