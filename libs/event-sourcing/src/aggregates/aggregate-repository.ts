import { Logger } from '@nestjs/common';
import { AggregateDeletedError } from '../errors/aggregate-deleted-error';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { InvalidStreamIdError } from '../errors/invalid-stream-id-error';
import { NaturalKeyIndexError } from '../errors/natural-key-index-error';
import { StreamNotFoundError } from '../errors/stream-not-found-error';
import { assertStreamId } from '../store/prepared-append';
import { ConcurrencyError } from '../errors/concurrency-error';
import { messageMetadata } from '../events/message-metadata';
import { publishCommitted } from '../commands/publish-committed';
import type { StreamTombstone } from '../store/stream-effects';
import { requireAggregateMetadata, type AggregateMetadata } from './aggregate.decorator';
import type { AggregateRoot } from './aggregate-root';
import { AggregateSnapshots } from './aggregate-snapshots';
import { getApplyHandlers } from './apply.decorator';
import { WarmAggregates } from './warm-aggregates';
import { AggregateLoader } from './aggregate-loader';
import { AggregateNaturalKeys } from './aggregate-natural-keys';
import type { AggregateRepositoryDeps } from './aggregate-repository-deps';
import { tenantScopeOf } from '../store/tenant-scope';
import type {
  AggregateClass,
  LifecycleSaveOptions,
  LoadOptions,
  SaveOptions,
  SaveResult,
  Saved,
  UpdateOptions,
} from './aggregate-repository-types';

export type { AggregateRepositoryDeps } from './aggregate-repository-deps';

/**
 * Loads and saves one aggregate class through the event store: a load replays the
 * stream (from the newest usable snapshot), a save appends the new events with the
 * loaded version as expected version, then publishes them on the `@nestjs/cqrs`
 * `EventBus`. It also soft-deletes, restores and hard-deletes aggregates, and keeps their
 * `@NaturalKey`s unique. Inject it with `@InjectAggregateRepository(BankAccount)`.
 */
export class AggregateRepository<T extends AggregateRoot> {
  private readonly logger: Logger;
  private readonly metadata: AggregateMetadata;
  private readonly snapshots: AggregateSnapshots<T>;
  private readonly warm: WarmAggregates<T> | undefined;
  private readonly keys: AggregateNaturalKeys<T>;
  private readonly loader: AggregateLoader<T>;

  constructor(
    private readonly aggregateClass: AggregateClass<T>,
    private readonly deps: AggregateRepositoryDeps,
  ) {
    const className = aggregateClass.name;
    this.metadata = requireAggregateMetadata(aggregateClass);
    this.logger = new Logger(`AggregateRepository<${className}>`);
    this.snapshots = new AggregateSnapshots(className, this.metadata, deps.snapshots, this.logger);
    this.warm = deps.warmAggregates > 0 ? new WarmAggregates(deps.warmAggregates) : undefined;
    this.keys = new AggregateNaturalKeys(className, aggregateClass, this.metadata.streamType);
    const parts = { className, snapshots: this.snapshots, warm: this.warm, keys: this.keys };
    this.loader = new AggregateLoader((id) => new aggregateClass(id), deps, parts);
    // What they keep of streams goes with the store's: a stream's deletion reaches them.
    for (const cache of [this.snapshots, this.warm]) if (cache) deps.store.caches.add(cache);
    const handled = getApplyHandlers(aggregateClass.prototype as object).keys();
    for (const eventClass of handled) deps.registry.register(eventClass, className);
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
   * @throws AggregateDeletedError when it is soft-deleted (unless `includeDeleted`).
   * @throws ConcurrencyError when `expectedVersion` is given and differs.
   * @throws UnknownEventTypeError, UpcastError when a stored event cannot be read.
   */
  async load(id: string, options: LoadOptions = {}): Promise<T> {
    const aggregate = (await this.hidden(id))
      ? null
      : await this.loader.latest(id, this.streamId(id), options.expectedVersion);
    if (!aggregate) throw new AggregateNotFoundError(this.aggregateClass.name, id);
    if (this.loader.isDeleted(aggregate) && !options.includeDeleted) {
      throw new AggregateDeletedError(this.aggregateClass.name, id);
    }
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
   * @throws AggregateNotFoundError, AggregateDeletedError, ConcurrencyError as {@link load} and {@link save}.
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
    const { expectedVersion, metadata, condition, lifecycle } = options;
    const aggregate = await this.load(id, { expectedVersion, includeDeleted: lifecycle === 'restore' });
    await decide(aggregate);
    return { ...(await this.save(aggregate, { metadata, condition, lifecycle })), aggregate };
  }

  /**
   * Starts a new aggregate with this id: `decide` applies its first events, and the save
   * expects no stream, so creating an id that exists fails with `ConcurrencyError`
   * (409 over HTTP) and writes nothing.
   * @throws ConcurrencyError when the aggregate exists already.
   * @throws NaturalKeyTakenError when another aggregate holds one of its `@NaturalKey` values.
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

  /** The aggregate, or null when it has no events or is soft-deleted. */
  async find(id: string): Promise<T | null> {
    const aggregate = (await this.hidden(id)) ? null : await this.loader.latest(id, this.streamId(id));
    return aggregate && !this.loader.isDeleted(aggregate) ? aggregate : null;
  }

  /**
   * The aggregate whose `@NaturalKey(name)` holds `value` (compared as the key says), or
   * null: one indexed lookup in the store's key table, then the load.
   * @throws InvalidQueryError for a name that is no natural key of the class.
   * @throws NaturalKeyIndexError when the key table is missing, or names an aggregate that has no events.
   * @example
   * const account = await this.accounts.findBy('email', 'Ada@Example.org');
   */
  async findBy(name: string, value: string): Promise<T | null> {
    const lookup = this.keys.lookup(name, value);
    const streamId = lookup && (await this.deps.store.findByNaturalKey(lookup.key, lookup.value));
    if (!streamId) return null;
    const id = streamId.slice(this.metadata.streamType.length + 1);
    const aggregate = await this.loader.latest(id, streamId);
    if (!aggregate)
      throw new NaturalKeyIndexError(`gives "${lookup.key}" to stream "${streamId}", which has no events`);
    return this.loader.isDeleted(aggregate) ? null : aggregate;
  }

  /** Whether the aggregate has any event (a soft-deleted one has). */
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
    const limit = 'version' in at ? { maxVersion: at.version } : { until: at.at };
    const aggregate = (await this.hidden(id)) ? null : await this.loader.rebuild(id, this.streamId(id), limit);
    if (!aggregate) throw new AggregateNotFoundError(this.aggregateClass.name, id);
    if ('version' in at && aggregate.version < at.version) {
      const hint = `${this.aggregateClass.name} ${id} is only at version ${aggregate.version}`;
      throw new InvalidQueryError('version', at.version, hint);
    }
    return aggregate;
  }

  /**
   * Soft-deletes the aggregate (after `decide`'s last events, if given): its stream gets
   * `es.stream-deleted`, its natural keys are freed, and until {@link restore} it loads
   * as `AggregateDeletedError` (HTTP 410) and `find` answers null. Its history stays.
   * @throws AggregateNotFoundError, AggregateDeletedError, ConcurrencyError as {@link update}.
   */
  delete(id: string, options: LifecycleSaveOptions<T> = {}): Promise<Saved<T>> {
    const { decide, ...rest } = options;
    return this.update(id, decide ?? (() => undefined), { ...rest, lifecycle: 'delete' });
  }

  /**
   * Restores a soft-deleted aggregate (with `decide`'s events, if given): `es.stream-restored`,
   * and its natural keys claimed again. An aggregate that is not deleted is saved as is.
   * @throws NaturalKeyTakenError when another aggregate took one of its keys meanwhile; nothing is written.
   * @throws AggregateNotFoundError, ConcurrencyError as {@link update}.
   */
  restore(id: string, options: LifecycleSaveOptions<T> = {}): Promise<Saved<T>> {
    const { decide, ...rest } = options;
    return this.update(id, decide ?? (() => undefined), { ...rest, lifecycle: 'restore' });
  }

  /**
   * Hard-deletes the aggregate: its events, snapshot and keys are removed and its id can
   * never be used again (see `EventStore.hardDeleteStream`).
   * @throws AggregateNotFoundError when it has no events (and was never hard-deleted).
   */
  async hardDelete(id: string, options: { reason?: string } = {}): Promise<StreamTombstone> {
    try {
      return await this.deps.store.hardDeleteStream(this.streamId(id), options);
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw new AggregateNotFoundError(this.aggregateClass.name, id);
      throw error;
    }
  }

  /** Whether it is another tenant's: warm copies and snapshots are kept by stream id, so every load asks first. */
  private async hidden(id: string): Promise<boolean> {
    return (await tenantScopeOf(this.deps.store)?.isVisible(this.streamId(id))) === false;
  }

  /**
   * Appends the aggregate's uncommitted events, expecting the version it was loaded at
   * (0 for a new one: saving a new aggregate whose stream exists fails), with the
   * changes of its `@NaturalKey`s and the soft delete or restore of `lifecycle`, then
   * publishes them and takes a snapshot if the policy says so.
   * @throws ConcurrencyError when the stream moved since the load; nothing is written.
   * @throws AggregateDeletedError for an aggregate loaded deleted, unless `lifecycle` is `'restore'`.
   * @throws NaturalKeyTakenError when another aggregate holds a changed natural key's value; nothing is written.
   * @throws AppendConditionError when `options.condition` (a decision's) fails; nothing is written.
   * @throws ConfigurationError for an event class without `@DomainEvent`.
   * @throws InvalidEventError, EventTooLargeError, DuplicateEventIdError as `EventStore.append`.
   */
  async save(aggregate: T, options: SaveOptions = {}): Promise<SaveResult> {
    const wasDeleted = this.loader.isDeleted(aggregate);
    if (wasDeleted && options.lifecycle !== 'restore') {
      throw new AggregateDeletedError(this.aggregateClass.name, aggregate.id);
    }
    // A restore of what is not deleted, or a delete of what is, changes nothing of the lifecycle.
    const action =
      options.lifecycle && wasDeleted === (options.lifecycle === 'restore') ? options.lifecycle : undefined;
    const events = [...aggregate.getUncommittedEvents()];
    if (events.length === 0 && !action) return { version: aggregate.version, position: undefined, events };
    const metadata = messageMetadata(this.deps.context, options.metadata);
    const before = aggregate.version;
    const streamId = this.streamId(aggregate.id);
    const warmScope = this.deps.tries.warmScope();
    // What the command decided may rest on other aggregates taken warm: they must be current.
    const stale = await warmScope?.closeForWrite(streamId);
    if (stale) throw new ConcurrencyError(stale.streamId, stale.version, stale.actual);
    const naturalKeys = action === 'delete' ? undefined : this.keys.changes(aggregate);
    const result = await this.deps.store.append(
      streamId,
      events.map((event) => this.deps.registry.toNewEvent(event, metadata, undefined, aggregate.eventTags(event))),
      {
        expectedVersion: before,
        streamType: this.metadata.streamType,
        condition: options.condition,
        ...(naturalKeys ? { naturalKeys } : {}),
        ...(action ? { lifecycle: { action, metadata } } : {}),
      },
    );
    aggregate.markPersisted(result.streamVersion);
    aggregate.uncommit();
    this.keys.remember(aggregate);
    this.loader.markDeleted(aggregate, action === 'delete');
    this.snapshots.remember(streamId, result.streamVersion);
    this.deps.tries.recordSave();
    const warm = this.warm;
    if (action === 'delete') this.deps.store.caches.forget(streamId);
    else if (warmScope && warm) warmScope.saved(streamId, () => warm.keep(streamId, aggregate));
    this.publish(events);
    // A snapshot after the deletion would hide it from the next load.
    if (action !== 'delete') await this.snapshots.afterSave(aggregate, streamId, before);
    return { version: result.streamVersion, position: result.position, events };
  }

  private publish(events: object[]): void {
    publishCommitted(this.deps.tries, this.deps.eventBus, events, this.logger);
  }
}
