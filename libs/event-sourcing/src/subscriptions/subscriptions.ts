import { errorMessage } from '../errors/error-message';
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
import { resolveOptions, type EventSourcingModuleOptions, type ResolvedOptions } from '../event-sourcing-options';
import { EVENT_SOURCING_OPTIONS } from '../event-sourcing.module-definition';
import { AppendSignal } from '../store/append-signal';
import { EventStore } from '../store/event-store';
import { DatabaseConnection } from '../store/postgres/database-connection';
import { BatchApplier } from './batch-applier';
import { CheckpointStore, type ParkedEvent } from './checkpoint-store';
import { compareCursors, cursorOf } from './global-cursor';
import type { SubscriberDefinition } from './subscriber-definition';
import { SubscriberRegistry } from './subscriber-registry';
import type { SubscriberStatus } from './subscriber-status';
import { SubscriptionConnection } from './subscription-connection';
import { SubscriptionInspector } from './subscription-inspector';
import { SubscriptionRunner, type SubscriberState } from './subscription-runner';
import { describeStatus } from './describe-status';
import { waitForCursor, waitForPosition } from './wait-for-cursor';
import { MemorySubscriptions } from './memory/memory-subscriptions';
import { InMemoryEventStore } from '../store/in-memory/in-memory-event-store';
import { inTransaction } from '../store/postgres/in-transaction';
import { shortTag } from '../store/postgres/short-tag';

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
 * Under `database: 'memory'` async projections and durable handlers run on the
 * in-memory store, with the same retries, parking and controls and their checkpoints
 * in memory, but their handlers get no entity manager; sagas need PostgreSQL.
 */
@Injectable()
export class Subscriptions implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Subscriptions');
  private readonly options: ResolvedOptions;
  private readonly runners = new Map<string, SubscriptionRunner>();
  private readonly detach: (() => void)[] = [];
  private connection: SubscriptionConnection | undefined;
  private checkpointStore: CheckpointStore | undefined;
  private inspectorOf: SubscriptionInspector | undefined;
  private memory: MemorySubscriptions | undefined;

  constructor(
    private readonly registry: SubscriberRegistry,
    @Inject(EVENT_SOURCING_OPTIONS) rawOptions: EventSourcingModuleOptions,
    private readonly database: DatabaseConnection,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly signal: AppendSignal,
  ) {
    this.options = resolveOptions(rawOptions);
  }

  async onApplicationBootstrap(): Promise<void> {
    const definitions = this.registry.all();
    if (this.database.kind === 'memory') {
      if (!(this.store instanceof InMemoryEventStore))
        throw new UnsupportedOperationError("database: 'memory' runs subscribers on InMemoryEventStore only.");
      this.memory = new MemorySubscriptions(this.store, this.signal, this.options, this.logger);
      this.memory.start(definitions, this.registry.inlineProjections());
      return;
    }
    const { schema, applicationName, subscriptions } = this.options;
    this.checkpointStore = new CheckpointStore(this.dataSource, schema);
    this.inspectorOf = new SubscriptionInspector(this.dataSource, schema);
    for (const definition of definitions) await this.checkpointStore.ensure(definition.name);
    this.connection = new SubscriptionConnection(
      this.database.clientConfig(`${applicationName}:subscriptions`),
      schema,
      notifyChannel(schema),
    );
    this.connection.start();
    this.detach.push(
      this.signal.on(() => {
        this.wakeAll();
        this.connection?.notify();
      }),
      this.connection.onWake(() => this.wakeAll()),
    );
    if (!subscriptions.run) {
      this.logger.log(`${definitions.length} subscriber(s) not run here (subscriptions.run is false)`);
      return;
    }
    for (const definition of definitions) {
      const runner = new SubscriptionRunner(
        definition,
        {
          store: this.store,
          checkpoints: this.checkpointStore,
          applier: new BatchApplier(definition, {
            checkpoints: this.checkpointStore,
            dataSource: this.dataSource,
            logger: this.logger,
          }),
          lease: this.connection,
          logger: this.logger,
        },
        { batchSize: this.options.batchSize, ...subscriptions },
      );
      this.runners.set(definition.name, runner);
      runner.start();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.memory?.stop();
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
    for (const detach of this.detach.splice(0)) detach();
    await this.connection?.close();
  }

  /** Every durable subscriber with its position, lag and state. */
  async status(): Promise<SubscriberStatus[]> {
    const definitions = this.registry.all();
    if (this.memory) return this.memory.status(definitions);
    const inspector = this.inspector();
    const [head, holders, parked] = await Promise.all([
      inspector.head(),
      inspector.lockHolders(definitions.map((d) => d.name)),
      inspector.parkedCounts(),
    ]);
    return Promise.all(
      definitions.map((definition) =>
        describeStatus(definition, {
          checkpoints: this.checkpoints(),
          inspector,
          head,
          holder: holders.get(definition.name),
          parked: parked.get(definition.name) ?? 0,
          runner: this.runners.get(definition.name),
          heldBackAfterMs: this.options.subscriptions.heldBackAfterMs,
        }),
      ),
    );
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
    const definition = this.definition(name);
    if (!definition.rebuildable || !definition.reset) {
      throw new UnsupportedOperationError(
        `"${name}" is a ${definition.kind}; only async projections are rebuilt (a replay would repeat side effects).`,
      );
    }
    if (this.memory) {
      await this.memory.rebuild(definition);
      this.logger.log(`${name}: rebuild requested`);
      return this.statusOf(name);
    }
    await inTransaction(this.dataSource, async (runner) => {
      // Locks the row, as a batch does first: a batch in flight commits before, or stops after.
      const checkpoint = await this.checkpoints().load(name, runner, true);
      if (checkpoint.status === 'paused') {
        throw new UnsupportedOperationError(`"${name}" is paused; resume it before a rebuild.`);
      }
      await definition.reset!(runner.manager);
      await this.checkpoints().rewind(name, runner);
    });
    this.logger.log(`${name}: rebuild requested`);
    this.poke(name);
    return this.statusOf(name);
  }

  /** Parked events, oldest first: of one subscriber, or of all. */
  parked(name?: string): Promise<ParkedEvent[]> {
    if (name !== undefined) this.definition(name);
    return this.shared().parked(name);
  }

  /**
   * Tries a parked event again. A subscriber stopped at it (`onFailure: 'stop'`) resumes
   * and retries it with a fresh set of tries; one that skipped it handles it here and
   * now, in a transaction with the removal of its parked record.
   * @returns `'resumed'` or `'handled'`.
   * @throws ParkedEventNotFoundError, UnknownSubscriberError; or the handler's error, the event staying parked.
   */
  async retryParked(name: string, eventId: string): Promise<'resumed' | 'handled'> {
    const definition = this.definition(name);
    const parked = await this.findParked(name, eventId);
    if (this.memory) return this.memory.retryParked(definition, parked);
    const event = await this.inspector().event(eventId);
    if (!event) throw new ParkedEventNotFoundError(name, eventId);
    // Stopped at it: take the parked record off and resume, under the checkpoint's lock.
    const resumed = await inTransaction(this.dataSource, async (runner) => {
      const checkpoint = await this.checkpoints().load(name, runner, true);
      if (checkpoint.status !== 'parked' || compareCursors(cursorOf(event), checkpoint.cursor) <= 0) return false;
      await this.checkpoints().unpark(name, eventId, runner);
      await this.checkpoints().setStatus(name, 'active', null, runner);
      return true;
    });
    if (resumed) {
      this.poke(name);
      return 'resumed';
    }
    try {
      await inTransaction(this.dataSource, async (runner) => {
        if (!(await this.checkpoints().unpark(name, eventId, runner)))
          throw new ParkedEventNotFoundError(name, eventId);
        await definition.handle(event, {
          manager: definition.transactional ? runner.manager : undefined,
          replaying: false,
          attempt: parked.attempts + 1,
        });
      });
    } catch (error) {
      await inTransaction(this.dataSource, (runner) =>
        this.checkpoints().park(name, event, errorMessage(error), 1, runner),
      );
      throw error;
    }
    return 'handled';
  }

  /**
   * Gives up on a parked event: removes its record and, when the subscriber is stopped
   * at it, moves past it and resumes.
   * @throws ParkedEventNotFoundError, UnknownSubscriberError
   */
  async dismissParked(name: string, eventId: string): Promise<void> {
    this.definition(name);
    await this.findParked(name, eventId);
    if (this.memory) return this.memory.dismissParked(name, eventId);
    const event = await this.inspector().event(eventId);
    await inTransaction(this.dataSource, async (runner) => {
      const checkpoint = await this.checkpoints().load(name, runner, true);
      await this.checkpoints().unpark(name, eventId, runner);
      if (event && checkpoint.status === 'parked' && compareCursors(cursorOf(event), checkpoint.cursor) > 0) {
        const to = cursorOf(event);
        await this.checkpoints().move(
          name,
          { from: checkpoint.cursor, to, lastPosition: event.position, status: 'active', error: null },
          runner,
        );
      }
    });
    this.poke(name);
  }

  /** Stops a subscriber on every instance until `resume`. @throws UnknownSubscriberError */
  async pause(name: string): Promise<void> {
    this.definition(name);
    await this.shared().setStatus(name, 'paused', null);
  }

  /** Resumes a paused subscriber. @throws UnknownSubscriberError */
  async resume(name: string): Promise<void> {
    this.definition(name);
    const checkpoint = await this.shared().load(name);
    if (checkpoint.status === 'paused') await this.shared().setStatus(name, 'active', null);
    this.poke(name);
  }

  /**
   * Resolves once the subscriber has handled everything up to a global position (the
   * `position` an append or command returned): read-your-writes for a read model.
   * @throws WaitTimeoutError when it has not within `timeoutMs`.
   * @throws UnknownSubscriberError
   */
  async waitFor(name: string, position: bigint, options: WaitOptions = {}): Promise<void> {
    this.definition(name);
    await waitForPosition(this.shared(), name, position, options.timeoutMs ?? 5_000);
  }

  /**
   * Resolves once every subscriber (or those named) has handled every event stored now.
   * @throws WaitTimeoutError
   */
  async waitUntilCaughtUp(names?: readonly string[], options: WaitOptions = {}): Promise<void> {
    // The last event in the subscribers' order, which need not be the highest position.
    const last = await (this.memory ? this.memory.checkpoints.lastCursor() : this.inspector().lastCursor());
    if (!last) return;
    const targets = names ?? this.registry.all().map((d) => d.name);
    for (const name of targets) this.definition(name);
    const timeoutMs = options.timeoutMs ?? 5_000;
    const deadline = Date.now() + timeoutMs;
    for (const name of targets) await waitForCursor(this.shared(), name, last, deadline, timeoutMs);
  }

  /** Has a subscriber read the store now: here when it runs here, else through NOTIFY. @internal */
  wake(name: string): void {
    if (this.memory) return this.memory.wake(name);
    const runner = this.runners.get(name);
    if (runner?.active) runner.wake();
    else this.connection?.notify();
  }

  /** This instance's view of a subscriber it runs, for tests and logs. @internal */
  localState(name: string): SubscriberState | undefined {
    return this.memory ? this.memory.localState(name) : this.runners.get(name)?.state;
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

  private async findParked(name: string, eventId: string): Promise<ParkedEvent> {
    const parked = (await this.shared().parked(name)).find((p) => p.eventId === eventId);
    if (!parked) throw new ParkedEventNotFoundError(name, eventId);
    return parked;
  }

  private poke(name: string): void {
    this.memory?.wake(name);
    this.runners.get(name)?.wake();
    this.connection?.notify();
  }

  private wakeAll(): void {
    for (const runner of this.runners.values()) runner.wake();
  }

  private checkpoints(): CheckpointStore {
    if (!this.checkpointStore)
      throw new UnsupportedOperationError("Subscriptions need PostgreSQL, not database: 'memory'.");
    return this.checkpointStore;
  }

  /** The checkpoints either store keeps alike: in memory, or PostgreSQL's. */
  private shared(): Pick<CheckpointStore, 'load' | 'setStatus' | 'parked' | 'transactionOf'> {
    return this.memory?.checkpoints ?? this.checkpoints();
  }

  private inspector(): SubscriptionInspector {
    this.checkpoints();
    return this.inspectorOf!;
  }
}

/** The NOTIFY channel of a schema's appends. @internal */
export function notifyChannel(schema: string): string {
  return `es_appended_${shortTag(schema)}`;
}
