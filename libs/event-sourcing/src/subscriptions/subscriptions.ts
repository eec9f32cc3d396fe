import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ParkedEventNotFoundError } from '../errors/parked-event-not-found-error';
import { UnknownSubscriberError } from '../errors/unknown-subscriber-error';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import { RESOLVED_OPTIONS, type ResolvedOptions } from '../options/event-sourcing-options';
import { AppendSignal } from '../store/append-signal';
import { EventStore } from '../store/event-store';
import { InMemoryEventStore } from '../store/in-memory/in-memory-event-store';
import { DatabaseConnection } from '../database/database-connection';
import type { Checkpoint, ParkedEvent } from './checkpoint-store';
import { MemorySubscriptions } from './memory/memory-subscriptions';
import { PostgresSubscriptions } from './postgres-subscriptions';
import type { SubscriberDefinition } from './subscriber-definition';
import { SubscriberRegistry } from './subscriber-registry';
import type { SubscriberStatus } from './subscriber-status';
import type { SubscriptionBackend } from './subscription-backend';
import type { SubscriberState } from './subscription-runner';
import { waitForCursor, waitForPosition } from './wait-for-cursor';
import { checkpointKeys, expandPartitions, partitionViews, presentParked } from './partition-views';
import { statusesOf } from './partition-status';
import { replayTenant, type TenantRebuildResult } from './tenant-replay';
import { MessageContext } from '../events/message-context';
import { normalizeQuery } from '../store/event-query';
import { TenantResetMissingError } from '../errors/tenant-reset-missing-error';

/** Options of {@link Subscriptions.waitFor}. */
export interface WaitOptions {
  /** Give up after this long. Default 5 s. */
  timeoutMs?: number;
}

/**
 * The durable subscribers of the application (async projections, durable event
 * handlers, sagas): runs each on one instance at a time, and lets you see and steer
 * them: status, rebuild, parked events, pause and resume, read-your-writes waits.
 * Inject it anywhere; it is started at bootstrap and stopped at shutdown.
 *
 * Under `database: 'memory'` async projections, durable handlers and sagas run on the
 * in-memory store, with the same retries, parking and controls and their checkpoints
 * in memory, but their handlers get no entity manager (so projections that keep
 * TypeORM read models need PostgreSQL).
 */
@Injectable()
export class Subscriptions implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Subscriptions');
  /** Set at bootstrap: PostgreSQL's, or the in-memory one under `database: 'memory'`. */
  private backendOf: SubscriptionBackend | undefined;

  constructor(
    private readonly registry: SubscriberRegistry,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedOptions,
    private readonly database: DatabaseConnection,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly signal: AppendSignal,
    private readonly context: MessageContext,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { store, signal, options, logger } = this;
    if (this.database.kind === 'memory') {
      if (!(store instanceof InMemoryEventStore))
        throw new UnsupportedOperationError("database: 'memory' runs subscribers on InMemoryEventStore only.");
      this.backendOf = new MemorySubscriptions(store, signal, options, logger);
    } else {
      const { dataSource, database } = this;
      this.backendOf = new PostgresSubscriptions({ store, dataSource, database, signal, options, logger });
    }
    this.registry.overridePartitions(options.subscriptions.partitions);
    await this.backendOf.start(this.registry.all(), this.registry.inlineProjections());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.backendOf?.stop();
  }

  /** Every durable subscriber with its position, lag and state. */
  async status(): Promise<SubscriberStatus[]> {
    const definitions = this.registry.all();
    return statusesOf(definitions, await this.backend().status(expandPartitions(definitions)));
  }

  /**
   * The status of one subscriber.
   * @throws UnknownSubscriberError for a name no subscriber has.
   */
  async statusOf(name: string): Promise<SubscriberStatus> {
    this.definition(name);
    return (await this.status()).find((s) => s.name === name)!;
  }

  /**
   * Resets a projection and replays every event into it: deletes the rows of its
   * `readModels` and calls its `reset`, and moves its checkpoint to the start, in one
   * transaction; the instance running it then replays (state `rebuilding`, progress in
   * `status()` and the logs). Durable handlers and sagas are never rebuilt, so side
   * effects are not repeated. Under `database: 'memory'` its `reset` gets no manager, and a
   * projection with `readModels` is refused.
   * @throws UnknownSubscriberError, UnsupportedOperationError for a subscriber that is not an
   *   async projection, a paused one, or (in memory) one with `readModels`.
   */
  async rebuild(name: string): Promise<SubscriberStatus> {
    const definition = this.rebuildable(name);
    await this.backend().rebuild(definition, checkpointKeys(definition));
    this.logger.log(`${name}: rebuild requested`);
    return this.statusOf(name);
  }

  /**
   * Rebuilds one tenant's rows of an async projection, and nothing else: in one transaction
   * that holds its checkpoints (live batches wait, then go on), calls its
   * `resetTenant(tenantId, manager)` and replays the tenant's events that it has applied,
   * by position, in the tenant's `MessageContext`. Done when it resolves.
   * @throws UnknownSubscriberError; UnsupportedOperationError for a subscriber that is not an
   *   async projection; TenantResetMissingError for one without `resetTenant`; InvalidQueryError for a bad id.
   */
  async rebuildTenant(name: string, tenantId: string): Promise<TenantRebuildResult> {
    normalizeQuery({ tenantId });
    const definition = this.rebuildable(name);
    if (!definition.resetTenant) throw new TenantResetMissingError(name, definition.owner);
    const deps = { store: this.store, context: this.context, pageSize: this.options.batchSize };
    const events = await this.backend().holdCheckpoints(checkpointKeys(definition), (cursors, manager) =>
      replayTenant(definition, tenantId, cursors, manager, deps),
    );
    this.logger.log(`${name}: one tenant rebuilt, ${events} events replayed`);
    return { name, tenantId, events };
  }

  /**
   * Rebuilds every async projection (see {@link Subscriptions.rebuild}); durable handlers
   * and sagas are left as they are.
   * @returns the statuses of those rebuilding.
   * @throws UnsupportedOperationError when one of them is paused (those before it rebuild).
   */
  async rebuildAll(): Promise<SubscriberStatus[]> {
    const statuses: SubscriberStatus[] = [];
    for (const definition of this.registry.all()) {
      if (definition.rebuildable && definition.reset) statuses.push(await this.rebuild(definition.name));
    }
    return statuses;
  }

  /**
   * Parked events, oldest first: of one subscriber, or of all. Inbound integration
   * messages parked by a consumer of `nest-event-sourcing/brokers` are listed too (their
   * `eventId` is the message id, `type` its subject), and retried or dismissed alike.
   */
  async parked(name?: string): Promise<ParkedEvent[]> {
    const [source] = this.registry.parkedSourcesFor(name);
    if (name !== undefined && source) return source.parked(name);
    const keys = name === undefined ? [undefined] : checkpointKeys(this.definition(name));
    const others = name === undefined ? this.registry.parkedSourcesFor() : [];
    const lists = await Promise.all([
      ...keys.map((key) => this.shared().parked(key)),
      ...others.map((s) => s.parked()),
    ]);
    return lists
      .flat()
      .map(presentParked)
      .sort((a, b) => a.parkedAt.getTime() - b.parkedAt.getTime());
  }

  /**
   * Tries a parked event again. A subscriber stopped at it (`onFailure: 'stop'`) resumes
   * and retries it with a fresh set of tries; one that skipped it handles it here and
   * now, in a transaction with the removal of its parked record.
   * @returns `'resumed'` or `'handled'`.
   * @throws ParkedEventNotFoundError, UnknownSubscriberError; or the handler's error, the event staying parked.
   */
  async retryParked(name: string, eventId: string): Promise<'resumed' | 'handled'> {
    const [source] = this.registry.parkedSourcesFor(name);
    if (source) return source.retry(name, eventId);
    const definition = this.definition(name);
    const parked = await this.findParked(definition, eventId);
    // Retried by the partition that parked it (its key is the parked record's subscriber).
    const view = partitionViews(definition).find((v) => v.name === parked.subscriber) ?? definition;
    return this.backend().retryParked(view, parked);
  }

  /**
   * Gives up on a parked event: removes its record and, when the subscriber is stopped
   * at it, moves past it and resumes.
   * @throws ParkedEventNotFoundError, UnknownSubscriberError
   */
  async dismissParked(name: string, eventId: string): Promise<void> {
    const [source] = this.registry.parkedSourcesFor(name);
    if (source) return source.dismiss(name, eventId);
    const parked = await this.findParked(this.definition(name), eventId);
    await this.backend().dismissParked(parked.subscriber, eventId);
  }

  /** Stops a subscriber on every instance until `resume`. @throws UnknownSubscriberError */
  async pause(name: string): Promise<void> {
    for (const key of checkpointKeys(this.definition(name))) await this.shared().setStatus(key, 'paused', null);
  }

  /** Resumes a paused subscriber. @throws UnknownSubscriberError */
  async resume(name: string): Promise<void> {
    for (const key of checkpointKeys(this.definition(name))) {
      const checkpoint = await this.shared().load(key);
      if (checkpoint.status === 'paused') await this.shared().setStatus(key, 'active', null);
      this.poke(key);
    }
  }

  /**
   * Resolves once the subscriber has handled everything up to a global position (the
   * `position` an append or command returned): read-your-writes for a read model.
   * @throws WaitTimeoutError when it has not within `timeoutMs`.
   * @throws UnknownSubscriberError
   */
  async waitFor(name: string, position: bigint, options: WaitOptions = {}): Promise<void> {
    const keys = checkpointKeys(this.definition(name));
    const deadline = Date.now() + (options.timeoutMs ?? 5_000);
    for (const key of keys) await waitForPosition(this.shared(), key, position, Math.max(0, deadline - Date.now()));
  }

  /**
   * Resolves once every subscriber (or those named) has handled every event stored now.
   * @throws WaitTimeoutError
   */
  async waitUntilCaughtUp(names?: readonly string[], options: WaitOptions = {}): Promise<void> {
    // The last event in the subscribers' order, which need not be the highest position.
    const last = await this.backend().lastCursor();
    if (!last) return;
    const targets = (names ?? this.registry.all().map((d) => d.name)).flatMap((name) =>
      checkpointKeys(this.definition(name)),
    );
    const timeoutMs = options.timeoutMs ?? 5_000;
    const deadline = Date.now() + timeoutMs;
    for (const name of targets) await waitForCursor(this.shared(), name, last, deadline, timeoutMs);
  }

  /** Has a subscriber read the store now: here when it runs here, else through NOTIFY. @internal */
  wake(name: string): void {
    const definition = this.registry.get(name);
    for (const key of definition ? checkpointKeys(definition) : [name]) this.backend().wake(key);
  }

  /** A subscriber's checkpoint as stored, on either store (sagas fence their deadlines with it). @internal */
  checkpoint(name: string): Promise<Checkpoint> {
    return this.shared().load(name);
  }

  /** This instance's view of a subscriber it runs, for tests and logs. @internal */
  localState(name: string): SubscriberState | undefined {
    return this.backendOf?.localState(name);
  }

  private rebuildable(name: string): SubscriberDefinition {
    const definition = this.definition(name);
    if (definition.rebuildable && definition.reset) return definition;
    throw new UnsupportedOperationError(
      `"${name}" is a ${definition.kind}; only async projections are rebuilt (a replay would repeat side effects).`,
    );
  }

  private definition(name: string): SubscriberDefinition {
    const definition = this.registry.get(name);
    if (!definition)
      throw new UnknownSubscriberError(
        name,
        this.registry.all().map((d) => d.name),
      );
    return definition;
  }

  /** The parked record as stored: its `subscriber` is the key of the partition that parked it. */
  private async findParked(definition: SubscriberDefinition, eventId: string): Promise<ParkedEvent> {
    for (const key of checkpointKeys(definition)) {
      const parked = (await this.shared().parked(key)).find((p) => p.eventId === eventId);
      if (parked) return parked;
    }
    throw new ParkedEventNotFoundError(definition.name, eventId);
  }

  private poke(name: string): void {
    this.backend().poke(name);
  }

  private backend(): SubscriptionBackend {
    if (!this.backendOf) {
      throw new UnsupportedOperationError('Subscriptions start at application bootstrap: call app.init() first.');
    }
    return this.backendOf;
  }

  /** The checkpoints either store keeps alike. */
  private shared(): SubscriptionBackend['checkpoints'] {
    return this.backend().checkpoints;
  }
}
