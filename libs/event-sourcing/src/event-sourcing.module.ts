import { ReadReplica } from './database/read-replica';
import { Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { DiscoveryModule, ModuleRef } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RESOLVED_OPTIONS, resolveOptions, type ResolvedOptions } from './options/event-sourcing-options';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableEventSourcingModule,
  EVENT_SOURCING_OPTIONS,
  OPTIONS_TYPE,
} from './event-sourcing.module-definition';
import { CommandHandlerEnhancer } from './commands/command-handler-enhancer';
import { DeleteAggregateHandler, RestoreAggregateHandler } from './aggregates/aggregate-lifecycle-commands';
import { CommandTries } from './commands/command-tries';
import { DecisionRepository } from './decisions/decision-repository';
import { featureModule, type EventSourcingFeature } from './event-sourcing-feature';
import { EventTypeRegistry } from './events/event-type-registry';
import { MessageContext } from './events/message-context';
import { EventStoreHealthIndicator } from './health/event-store-health-indicator';
import { EventStore } from './store/event-store';
import { InMemoryEventStore } from './store/in-memory/in-memory-event-store';
import { InMemorySnapshotStore } from './store/in-memory/in-memory-snapshot-store';
import { DatabaseConnection } from './database/database-connection';
import { migrateStore } from './schema/migrate-store';
import { eventStoreMigrations } from './schema/migrations';
import { PostgresEventStore } from './store/postgres/postgres-event-store';
import { PostgresSnapshotStore } from './store/postgres/postgres-snapshot-store';
import { SnapshotStore } from './store/snapshot-store';
import { scopeSnapshots } from './store/tenant-snapshots';
import { AppendSignal } from './store/append-signal';
import { EventQueryCache } from './store/event-query-cache';
import { InlineProjector } from './projections/inline-projector';
import { InlineHooks } from './store/inline-hooks';
import { AppendRequirementsSlot } from './store/append-requirements';
import { scopeByTenant } from './store/tenant-scope';
import { ProjectionDiscovery } from './projections/projection-discovery';
import { SubscriberRegistry } from './subscriptions/subscriber-registry';
import { Subscriptions } from './subscriptions/subscriptions';
import { Sagas } from './sagas/sagas';
import { SubscriptionsHealthIndicator } from './subscriptions/subscriptions-health-indicator';
import { SubscriberMetrics } from './subscriptions/subscriber-metrics';
import { instrumentEventStore } from './store/instrument-event-store';
import { ForgetSubjectHandler } from './commands/forget-subject.command';

/** Holds the options and the resolved database, so TypeORM's async setup can inject them. @internal */
@Module({})
export class EventSourcingCoreModule implements OnApplicationShutdown {
  constructor(
    private readonly connection: DatabaseConnection,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    let dataSource: DataSource | undefined;
    try {
      dataSource = this.moduleRef.get<DataSource>(getDataSourceToken(), { strict: false });
    } catch {
      dataSource = undefined;
    }
    await this.connection.close(dataSource);
  }
}

/**
 * The event-sourcing module: the event store on PostgreSQL (or embedded, or in memory),
 * registered with TypeORM so your read models share its connection. Import it once, in
 * the root module; it is global.
 */
@Module({})
export class EventSourcingModule extends ConfigurableEventSourcingModule {
  /**
   * Configures the module with static options.
   * @throws ConfigurationError at bootstrap for a database option it cannot use.
   * @example
   * EventSourcingModule.forRoot({ database: process.env.DATABASE_URL, applicationName: 'bank-api' })
   */
  static override forRoot(options: typeof OPTIONS_TYPE): DynamicModule {
    return assemble(super.forRoot(options));
  }

  /**
   * Configures the module with options from a factory, e.g. one using `ConfigService`.
   * @example
   * EventSourcingModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ database: config.get('DATABASE_URL') }),
   * })
   */
  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return assemble(super.forRootAsync(options));
  }

  /**
   * Registers a feature's aggregates (each gets an `AggregateRepository`), events and
   * upcasters. Import it in the feature module, next to `forRoot` in the root module.
   * @throws ConfigurationError at bootstrap for a class without its decorator, or two
   *   classes claiming one event type name (both are named).
   * @example
   * @Module({
   *   imports: [EventSourcingModule.forFeature({ aggregates: [BankAccount], upcasters: [MoneyDepositedV1] })],
   *   providers: [DepositMoneyHandler],
   * })
   * export class AccountsModule {}
   */
  static forFeature(feature: EventSourcingFeature): DynamicModule {
    return featureModule(EventSourcingFeatureModule, feature);
  }
}

/** The module of a `forFeature` call. @internal */
@Module({})
export class EventSourcingFeatureModule {}

function assemble(base: DynamicModule): DynamicModule {
  // Resolved once, here; everything else injects them under their own token.
  const optionsProvider: Provider = {
    provide: RESOLVED_OPTIONS,
    inject: [EVENT_SOURCING_OPTIONS],
    useFactory: resolveOptions,
  };
  const connectionProvider: Provider = {
    provide: DatabaseConnection,
    inject: [RESOLVED_OPTIONS],
    useFactory: (options: ResolvedOptions) => DatabaseConnection.open(options),
  };
  const core: DynamicModule = {
    module: EventSourcingCoreModule,
    imports: base.imports ?? [],
    // MessageContext lives here so the data source's logger can name the correlation id.
    providers: [...(base.providers ?? []), optionsProvider, connectionProvider, MessageContext, CommandTries],
    exports: [EVENT_SOURCING_OPTIONS, RESOLVED_OPTIONS, DatabaseConnection, MessageContext, CommandTries],
  };
  const typeOrm = TypeOrmModule.forRootAsync({
    imports: [core],
    inject: [RESOLVED_OPTIONS, DatabaseConnection, MessageContext],
    useFactory: (
      { schema, correlationIdIndex }: ResolvedOptions,
      connection: DatabaseConnection,
      context: MessageContext,
    ) => connection.typeOrmOptions(eventStoreMigrations(schema, { correlationIdIndex }), context),
  });
  const replicaProvider: Provider = {
    provide: ReadReplica,
    inject: [RESOLVED_OPTIONS, DatabaseConnection],
    useFactory: (
      { readReplica, poolSize, applicationName, schema }: ResolvedOptions,
      connection: DatabaseConnection,
    ) =>
      connection.kind === 'memory'
        ? new ReadReplica(undefined)
        : ReadReplica.open(readReplica, { poolSize, applicationName: applicationName ?? 'event-sourcing', schema }),
  };
  const storeProvider: Provider = {
    provide: EventStore,
    inject: [
      RESOLVED_OPTIONS,
      DatabaseConnection,
      getDataSourceToken(),
      SubscriberRegistry,
      AppendSignal,
      InlineHooks,
      MessageContext,
      ReadReplica,
      AppendRequirementsSlot,
    ],
    useFactory: async (
      options: ResolvedOptions,
      connection: DatabaseConnection,
      dataSource: DataSource,
      subscribers: SubscriberRegistry,
      signal: AppendSignal,
      inline: InlineHooks,
      context: MessageContext,
      replica: ReadReplica,
      requirements: AppendRequirementsSlot,
    ) => {
      inline.add(new InlineProjector(subscribers));
      const hooks = {
        inline,
        requirements,
        committed: (types: ReadonlySet<string>) => signal.emit(types),
      };
      // Traced and counted when @opentelemetry/api is installed (docs/observability.md);
      // scoped by the current tenant with `tenancy` (docs/tenancy.md).
      const scoped = <S extends EventStore>(store: S): S =>
        options.tenancy ? scopeByTenant(store, () => context.current()?.tenantId) : store;
      if (connection.kind === 'memory') {
        return scoped(instrumentEventStore(new InMemoryEventStore({ ...options, hooks })));
      }
      if (options.runMigrations) await migrateStore(dataSource, options);
      const { readReplica: _replicaOptions, ...storeOptions } = options;
      const replicaSource = replica.dataSource ? { replica: replica.dataSource } : {};
      return scoped(
        instrumentEventStore(new PostgresEventStore(dataSource, { ...storeOptions, hooks, ...replicaSource })),
      );
    },
  };
  const queryCacheProvider: Provider = {
    provide: EventQueryCache,
    inject: [RESOLVED_OPTIONS, EventStore, AppendSignal, MessageContext],
    useFactory: (
      { queryCache, tenancy }: ResolvedOptions,
      store: EventStore,
      signal: AppendSignal,
      context: MessageContext,
    ) =>
      // With tenancy the store answers each tenant its own events: so must the cache.
      new EventQueryCache(store, signal, queryCache, Date.now, () =>
        tenancy ? context.current()?.tenantId : undefined,
      ),
  };
  const snapshotProvider: Provider = {
    provide: SnapshotStore,
    // After the store: its factory runs the migrations that create the snapshot table.
    inject: [RESOLVED_OPTIONS, DatabaseConnection, getDataSourceToken(), EventStore],
    useFactory: (
      { schema }: ResolvedOptions,
      connection: DatabaseConnection,
      dataSource: DataSource,
      store: EventStore,
    ) => {
      const snapshots =
        connection.kind === 'memory' ? new InMemorySnapshotStore() : new PostgresSnapshotStore(dataSource, schema);
      if (snapshots instanceof InMemorySnapshotStore) store.caches.add(snapshots);
      // A snapshot may copy personal data: a forgotten subject's streams start again from their events.
      store.erasers.add(({ streamIds, manager }) => snapshots.drop(streamIds, manager));
      return scopeSnapshots(snapshots, store);
    },
  };
  const shared = [
    EventStore,
    EventQueryCache,
    SnapshotStore,
    EventTypeRegistry,
    EventStoreHealthIndicator,
    Subscriptions,
    SubscriptionsHealthIndicator,
    Sagas,
    DecisionRepository,
    // For nest-event-sourcing/brokers, whose publishers are subscribers too.
    SubscriberRegistry,
    ReadReplica,
    // For the access module, whose permissions read model is kept in the append's transaction
    // and whose checks go with every append.
    InlineHooks,
    AppendRequirementsSlot,
  ];
  return {
    module: base.module,
    global: true,
    imports: [core, typeOrm, DiscoveryModule],
    providers: [
      replicaProvider,
      storeProvider,
      queryCacheProvider,
      snapshotProvider,
      EventTypeRegistry,
      EventStoreHealthIndicator,
      CommandHandlerEnhancer,
      DeleteAggregateHandler,
      RestoreAggregateHandler,
      ForgetSubjectHandler,
      DecisionRepository,
      AppendSignal,
      InlineHooks,
      AppendRequirementsSlot,
      SubscriberRegistry,
      ProjectionDiscovery,
      Subscriptions,
      SubscriptionsHealthIndicator,
      SubscriberMetrics,
      Sagas,
    ],
    exports: [...shared, core, typeOrm],
  };
}
