import type { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { errorMessage } from '../errors/error-message';
import { ParkedEventNotFoundError } from '../errors/parked-event-not-found-error';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import type { ResolvedOptions } from '../options/event-sourcing-options';
import type { AppendSignal } from '../store/append-signal';
import type { EventStore, GlobalCursor } from '../store/event-store';
import type { DatabaseConnection } from '../database/database-connection';
import { inTransaction } from '../database/in-transaction';
import { shortTag } from '../database/short-tag';
import { BatchApplier } from './batch-applier';
import { CheckpointStore, type ParkedEvent } from './checkpoint-store';
import { describeStatus } from './describe-status';
import { compareCursors, cursorOf } from './global-cursor';
import type { SubscriberDefinition } from './subscriber-definition';
import type { SubscriberStatus } from './subscriber-status';
import type { SubscriptionBackend } from './subscription-backend';
import { SubscriptionConnection } from './subscription-connection';
import { SubscriptionInspector } from './subscription-inspector';
import { SubscriptionRunner, type RunnerLease, type SubscriberState } from './subscription-runner';
import { FairShareLease } from './fair-share-lease';
import { InstanceHeartbeat } from './instance-heartbeat';
import { ensureCheckpointLayout } from './partition-layout';
import { expandPartitions } from './partition-views';

/** What {@link PostgresSubscriptions} runs on. @internal */
export interface PostgresSubscriptionsDeps {
  store: EventStore;
  dataSource: DataSource;
  database: DatabaseConnection;
  signal: AppendSignal;
  options: ResolvedOptions;
  logger: Logger;
}

/**
 * `Subscriptions` on PostgreSQL: checkpoints and parked events in their tables, one
 * instance at a time holding each subscriber (advisory locks on a connection of its
 * own, which also LISTENs for appends of other instances). @internal
 */
export class PostgresSubscriptions implements SubscriptionBackend {
  readonly checkpoints: CheckpointStore;
  private readonly inspector: SubscriptionInspector;
  private readonly runners = new Map<string, SubscriptionRunner>();
  private readonly detach: (() => void)[] = [];
  private connection: SubscriptionConnection | undefined;
  private heartbeat: InstanceHeartbeat | undefined;

  constructor(private readonly deps: PostgresSubscriptionsDeps) {
    this.checkpoints = new CheckpointStore(deps.dataSource, deps.options.schema);
    this.inspector = new SubscriptionInspector(deps.dataSource, deps.options.schema);
  }

  async start(definitions: readonly SubscriberDefinition[]): Promise<void> {
    const { options, logger, database, signal } = this.deps;
    const { schema, applicationName, subscriptions } = options;
    for (const definition of definitions)
      await ensureCheckpointLayout(this.deps.dataSource, schema, definition, logger);
    const connection = new SubscriptionConnection(
      database.clientConfig(`${applicationName}:subscriptions`),
      schema,
      notifyChannel(schema),
      subscriptions.notifyIntervalMs,
    );
    this.connection = connection;
    connection.start();
    this.detach.push(
      signal.on(() => {
        this.wakeAll();
        connection.notify();
      }),
      connection.onWake(() => this.wakeAll()),
    );
    if (!subscriptions.run) {
      logger.log(`${definitions.length} subscriber(s) not run here (subscriptions.run is false)`);
      return;
    }
    const views = expandPartitions(definitions);
    let lease: RunnerLease = connection;
    if (views.length > definitions.length) {
      // Partitions are shared among the instances heartbeating.
      this.heartbeat = new InstanceHeartbeat(
        this.deps.dataSource,
        schema,
        () => connection.backendPid,
        subscriptions,
        logger,
      );
      await this.heartbeat.start();
      lease = new FairShareLease(connection, this.heartbeat, views);
    }
    for (const definition of views) {
      const runner = new SubscriptionRunner(
        definition,
        {
          store: this.deps.store,
          checkpoints: this.checkpoints,
          applier: new BatchApplier(definition, {
            checkpoints: this.checkpoints,
            dataSource: this.deps.dataSource,
            logger,
          }),
          lease,
          logger,
        },
        { batchSize: options.batchSize, ...subscriptions },
      );
      this.runners.set(definition.name, runner);
      runner.start();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
    for (const detach of this.detach.splice(0)) detach();
    await this.heartbeat?.stop();
    await this.connection?.close();
  }

  async status(definitions: readonly SubscriberDefinition[]): Promise<SubscriberStatus[]> {
    const inspector = this.inspector;
    const [head, holders, parked] = await Promise.all([
      inspector.head(),
      inspector.lockHolders(definitions.map((d) => d.name)),
      inspector.parkedCounts(),
    ]);
    return Promise.all(
      definitions.map((definition) =>
        describeStatus(definition, {
          checkpoints: this.checkpoints,
          inspector,
          head,
          holder: holders.get(definition.name),
          parked: parked.get(definition.name) ?? 0,
          runner: this.runners.get(definition.name),
          heldBackAfterMs: this.deps.options.subscriptions.heldBackAfterMs,
        }),
      ),
    );
  }

  async rebuild(definition: SubscriberDefinition, keys: readonly string[]): Promise<void> {
    await inTransaction(this.deps.dataSource, async (runner) => {
      // Locks the rows (of every partition, in order), as a batch does first: a batch in
      // flight commits before, or stops after.
      for (const key of keys) {
        if ((await this.checkpoints.load(key, runner, true)).status === 'paused') {
          throw new UnsupportedOperationError(`"${definition.name}" is paused; resume it before a rebuild.`);
        }
      }
      await definition.reset!(runner.manager);
      for (const key of keys) await this.checkpoints.rewind(key, runner);
    });
    for (const key of keys) this.poke(key);
  }

  async holdCheckpoints<T>(
    keys: readonly string[],
    work: (cursors: ReadonlyMap<string, GlobalCursor>, manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return inTransaction(this.deps.dataSource, async (runner) => {
      // The rows locked in order, as a rebuild does: a batch in flight commits first, the next waits.
      const cursors = new Map<string, GlobalCursor>();
      for (const key of keys) cursors.set(key, (await this.checkpoints.load(key, runner, true)).cursor);
      return work(cursors, runner.manager);
    });
  }

  async retryParked(definition: SubscriberDefinition, parked: ParkedEvent): Promise<'resumed' | 'handled'> {
    const { name } = definition;
    const { eventId } = parked;
    const event = await this.inspector.event(eventId);
    if (!event) throw new ParkedEventNotFoundError(name, eventId);
    const { dataSource } = this.deps;
    // Stopped at it: take the parked record off and resume, under the checkpoint's lock.
    const resumed = await inTransaction(dataSource, async (runner) => {
      const checkpoint = await this.checkpoints.load(name, runner, true);
      if (checkpoint.status !== 'parked' || compareCursors(cursorOf(event), checkpoint.cursor) <= 0) return false;
      await this.checkpoints.unpark(name, eventId, runner);
      await this.checkpoints.setStatus(name, 'active', null, runner);
      return true;
    });
    if (resumed) {
      this.poke(name);
      return 'resumed';
    }
    try {
      await inTransaction(dataSource, async (runner) => {
        if (!(await this.checkpoints.unpark(name, eventId, runner))) throw new ParkedEventNotFoundError(name, eventId);
        await definition.handle(event, {
          manager: definition.transactional ? runner.manager : undefined,
          replaying: false,
          attempt: parked.attempts + 1,
        });
      });
    } catch (error) {
      await inTransaction(dataSource, (runner) => this.checkpoints.park(name, event, errorMessage(error), 1, runner));
      throw error;
    }
    return 'handled';
  }

  async dismissParked(name: string, eventId: string): Promise<void> {
    const event = await this.inspector.event(eventId);
    await inTransaction(this.deps.dataSource, async (runner) => {
      const checkpoint = await this.checkpoints.load(name, runner, true);
      await this.checkpoints.unpark(name, eventId, runner);
      if (event && checkpoint.status === 'parked' && compareCursors(cursorOf(event), checkpoint.cursor) > 0) {
        const to = cursorOf(event);
        await this.checkpoints.move(
          name,
          { from: checkpoint.cursor, to, lastPosition: event.position, status: 'active', error: null },
          runner,
        );
      }
    });
    this.poke(name);
  }

  lastCursor(): Promise<GlobalCursor | undefined> {
    return this.inspector.lastCursor();
  }

  /** Here when it runs here, else through NOTIFY. */
  wake(name: string): void {
    const runner = this.runners.get(name);
    if (runner?.active) runner.wake();
    else this.connection?.notify();
  }

  poke(name: string): void {
    this.runners.get(name)?.wake();
    this.connection?.notify();
  }

  localState(name: string): SubscriberState | undefined {
    return this.runners.get(name)?.state;
  }

  private wakeAll(): void {
    for (const runner of this.runners.values()) runner.wake();
  }
}

/** The NOTIFY channel of a schema's appends. @internal */
export function notifyChannel(schema: string): string {
  return `es_appended_${shortTag(schema)}`;
}
