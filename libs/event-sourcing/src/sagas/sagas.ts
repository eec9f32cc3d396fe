import { CQRS_COMMAND_HANDLER_METADATA } from '../events/cqrs-metadata';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConfigurationError } from '../errors/configuration-error';
import { UnknownSubscriberError } from '../errors/unknown-subscriber-error';
import { EventTypeRegistry } from '../events/event-type-registry';
import { MessageContext } from '../events/message-context';
import { RESOLVED_OPTIONS, type ResolvedOptions } from '../options/event-sourcing-options';
import { EventStore } from '../store/event-store';
import { InMemoryEventStore } from '../store/in-memory/in-memory-event-store';
import { DatabaseConnection } from '../database/database-connection';
import { SubscriberRegistry } from '../subscriptions/subscriber-registry';
import { Subscriptions } from '../subscriptions/subscriptions';
import { DeadlineFence, postgresCommitHorizon, type Fence } from './deadline-fence';
import { MemorySagaStore } from './memory/memory-saga-store';
import { PostgresSagaStore } from './postgres-saga-store';
import { eraseSagaCopies } from './postgres-saga-eraser';
import { quoteIdentifier } from '../database/quote-identifier';
import type { SagaStatus } from './saga-context';
import { SagaDefinition } from './saga-definition';
import { SagaEngine } from './saga-engine';
import type { SagaInstance, SagaInstanceWork, SagaPersistence } from './saga-persistence';
import { SagaWorker } from './saga-worker';
import { getDurableSagaMetadata } from './durable-saga.decorator';

/** A saga instance with its pending deadlines and commands, as `Sagas` describes it. */
export interface SagaInstanceDetails<S extends object = Record<string, unknown>>
  extends SagaInstance<S>, SagaInstanceWork {}

/**
 * The durable sagas of the application: finds the `@DurableSaga` providers at bootstrap,
 * runs each as a checkpointed subscriber (see `Subscriptions`), fires their deadlines
 * (once the saga has read every event committed before they fell due) and dispatches
 * their commands. Inject it to look instances up.
 *
 * On PostgreSQL every instance of the app may run steps, deadlines and commands (row
 * locks keep them apart); under `database: 'memory'` they run the same way in process
 * memory, deadlines on the process clock, and nothing survives a restart.
 */
@Injectable()
export class Sagas implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Sagas');
  private readonly definitions = new Map<string, SagaDefinition>();
  private readonly commandClasses = new Map<string, abstract new (...args: never[]) => object>();
  /** PostgreSQL's tables, or process memory under `database: 'memory'`. */
  private readonly store: SagaPersistence<unknown>;
  private readonly engine: SagaEngine<unknown>;
  private worker: SagaWorker<unknown> | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly subscribers: SubscriberRegistry,
    private readonly registry: EventTypeRegistry,
    private readonly context: MessageContext,
    private readonly database: DatabaseConnection,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedOptions,
    private readonly subscriptions: Subscriptions,
    private readonly eventStore: EventStore,
    @Optional() private readonly commandBus?: CommandBus,
  ) {
    const memory = database.kind === 'memory' ? new MemorySagaStore() : undefined;
    this.store = memory ?? new PostgresSagaStore(dataSource, this.options.schema);
    // Saga state and the commands sagas queue may copy event data: a forgotten subject's go,
    // from the forgetting tenant's instances only when a tenant forgets.
    eventStore.erasers.add(async ({ values, manager }) => {
      const tenant = this.currentTenant();
      if (memory) memory.redact(values, tenant);
      else await eraseSagaCopies(manager ?? dataSource.manager, quoteIdentifier(this.options.schema), values, tenant);
    });
    this.engine = new SagaEngine(this.store, registry);
  }

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const metatype = wrapper.metatype;
      const instance = wrapper.instance as object | undefined;
      if (!metatype || !instance) continue;
      const commandClass: unknown = Reflect.getMetadata(CQRS_COMMAND_HANDLER_METADATA, metatype);
      if (typeof commandClass === 'function') this.addCommandClass(commandClass as new () => object);
      const metadata = getDurableSagaMetadata(metatype);
      if (metadata) this.addSaga(new SagaDefinition(instance, metadata));
    }
  }

  onApplicationBootstrap(): void {
    if (this.definitions.size === 0 || !this.options.subscriptions.run) return;
    if (!this.commandBus)
      this.logger.warn('No CommandBus: import CqrsModule.forRoot() so sagas can dispatch commands.');
    this.worker = new SagaWorker({
      store: this.store,
      engine: this.engine,
      fence: new DeadlineFence(
        this.commitHorizon(),
        { load: (name) => this.subscriptions.checkpoint(name) },
        (name) => this.subscriptions.wake(name),
        this.logger,
      ),
      definitions: this.definitions,
      commandClasses: this.commandClasses,
      commandBus: this.commandBus,
      context: this.context,
      logger: this.logger,
      pollIntervalMs: this.options.subscriptions.pollIntervalMs,
      maxBackoffMs: this.options.subscriptions.maxBackoffMs,
    });
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }

  /**
   * An instance by its id.
   * @throws UnknownSubscriberError for a saga name no `@DurableSaga` has.
   */
  async get(sagaType: string, sagaId: string): Promise<SagaInstanceDetails | undefined> {
    this.require(sagaType);
    const instance = await this.store.get(sagaId);
    const current = this.currentTenant();
    const visible = current === undefined || (instance?.tenantId ?? '') === current;
    return instance && instance.sagaType === sagaType && visible ? this.withDetails(instance) : undefined;
  }

  /**
   * The instance a correlation value names (the `transferId`, say), of one tenant: the
   * current one while work runs for a tenant (`tenancy`), else `options.tenantId`, else
   * the untenanted instance. Another tenant's instance is never found for a tenant.
   * @throws UnknownSubscriberError
   */
  async findByCorrelation(
    sagaType: string,
    correlation: string,
    options: { tenantId?: string } = {},
  ): Promise<SagaInstanceDetails | undefined> {
    this.require(sagaType);
    const current = this.currentTenant();
    if (current !== undefined && options.tenantId !== undefined && options.tenantId !== current) return undefined;
    const tenant = current ?? options.tenantId ?? '';
    const instance = await this.store.byCorrelation({ sagaType, tenant, correlation });
    return instance ? this.withDetails(instance) : undefined;
  }

  /**
   * Instances of a saga, newest first, optionally of one status; the current tenant's
   * only while work runs for a tenant (`tenancy`), else those of `options.tenantId`
   * ('' for the untenanted ones), else every tenant's.
   * @throws UnknownSubscriberError
   */
  async list(
    sagaType: string,
    options: { status?: SagaStatus; limit?: number; tenantId?: string } = {},
  ): Promise<SagaInstance[]> {
    this.require(sagaType);
    const current = this.currentTenant();
    if (current !== undefined && options.tenantId !== undefined && options.tenantId !== current) return [];
    return this.store.list(sagaType, options.status, options.limit ?? 100, current ?? options.tenantId);
  }

  /** The tenant the work in progress runs for, under `tenancy`. */
  private currentTenant(): string | undefined {
    return this.options.tenancy ? this.context.current()?.tenantId : undefined;
  }

  private async withDetails(instance: SagaInstance): Promise<SagaInstanceDetails> {
    return { ...instance, ...(await this.store.details(instance.sagaId)) };
  }

  /** Where the fence of deadlines is taken: PostgreSQL's commit horizon, or the in-memory store's. */
  private commitHorizon(): () => Promise<Fence> {
    const store = this.eventStore;
    if (this.database.kind !== 'memory') return postgresCommitHorizon(this.dataSource);
    if (!(store instanceof InMemoryEventStore)) {
      throw new ConfigurationError("database: 'memory' runs sagas on InMemoryEventStore only.");
    }
    return async () => ({ transactionId: store.nextTransaction(), at: new Date() });
  }

  private require(sagaType: string): void {
    if (!this.definitions.has(sagaType)) throw new UnknownSubscriberError(sagaType, [...this.definitions.keys()]);
  }

  private addCommandClass(commandClass: new () => object): void {
    const known = this.commandClasses.get(commandClass.name);
    if (known && known !== commandClass) {
      throw new ConfigurationError(
        `Two command classes are named ${commandClass.name}; sagas store commands by class name, so give them names of their own.`,
      );
    }
    this.commandClasses.set(commandClass.name, commandClass);
  }

  private addSaga(definition: SagaDefinition): void {
    for (const eventClass of definition.eventClasses) this.registry.register(eventClass, definition.owner);
    this.definitions.set(definition.name, definition);
    this.subscribers.add({
      name: definition.name,
      kind: 'saga',
      owner: definition.owner,
      types: [...definition.routes.keys()],
      options: definition.options,
      transactional: true,
      rebuildable: false,
      // In the page's transaction on PostgreSQL: the step commits with the checkpoint.
      // The step runs for the event's tenant: what its method reads of a store with tenancy.
      handle: (envelope, context) =>
        this.context.runInTenantOf(envelope.metadata, () =>
          this.store.inDelivery(context.manager, (tx) => this.engine.handleEvent(definition, envelope, tx)),
        ),
      afterCommit: () => this.worker?.kick(),
      afterMove: () => this.worker?.checkpointMoved(),
    });
  }
}
