import { Inject, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DatabaseConnection } from '../database/database-connection';
import { quoteIdentifier } from '../database/quote-identifier';
import { EventTypeRegistry } from '../events/event-type-registry';
import { RESOLVED_OPTIONS, type ResolvedOptions } from '../options/event-sourcing-options';
import { InlineHooks } from '../store/inline-hooks';
import { AppendRequirementsSlot } from '../store/append-requirements';
import { CommandTries } from '../commands/command-tries';
import { resolveAccessOptions, type EventSourcingAccessOptions, type ResolvedAccessOptions } from './access-options';
import {
  ACCESS_ASYNC_OPTIONS_TYPE,
  ACCESS_OPTIONS_TYPE,
  ConfigurableEventSourcingAccessModule,
  EVENT_SOURCING_ACCESS_OPTIONS,
  RESOLVED_ACCESS_OPTIONS,
} from './access.module-definition';
import { AuthenticationMiddleware } from './authentication.middleware';
import { PermissionChecker } from './permission-checker';
import { PermissionGranted, PermissionRevoked } from './permission-events';
import { PermissionGuard } from './permission.guard';
import { PermissionProjector } from './permission-projector';
import { PermissionReadModel } from './permission-read-model';
import { PermissionRequirements } from './permission-requirements';
import { InMemoryPermissionStore, PermissionStore } from './permission-store';
import { PostgresPermissionStore } from './postgres-permission-store';

/**
 * Who may do what (docs/authorization.md): bearer-token authentication
 * ({@link AuthenticationMiddleware}), the permissions read model that events keep
 * through `@Grants` and `@Revokes` in their own transaction, {@link PermissionChecker}
 * for handlers and queries, and `@RequirePermission` for routes. Import it once, in the
 * root module, after `EventSourcingModule.forRoot`; it is global.
 */
@Module({})
export class EventSourcingAccessModule extends ConfigurableEventSourcingAccessModule {
  constructor(
    inline: InlineHooks,
    registry: EventTypeRegistry,
    @Inject(RESOLVED_ACCESS_OPTIONS) options: ResolvedAccessOptions,
    store: PermissionStore,
    requirements: PermissionRequirements,
    slot: AppendRequirementsSlot,
    tries: CommandTries,
    checker: PermissionChecker,
  ) {
    super();
    registry.register(PermissionGranted, EventSourcingAccessModule.name);
    registry.register(PermissionRevoked, EventSourcingAccessModule.name);
    // Grants and revocations before the inline projections, which may read them.
    inline.add(new PermissionProjector(registry, store), true);
    // What a command requires goes with each of its appends (checked in the statement on
    // PostgreSQL, at the append and its commit in memory), and what none checked, at its end.
    slot.use({
      current: () => requirements.current(),
      holds: (required) => !(store instanceof InMemoryPermissionStore) || store.heldNow(required),
      passed: (required) => requirements.notePassedAll(required),
    });
    tries.onSettle((failure) => checker.settle(failure));
  }

  /**
   * Configures the module with static options.
   * @example
   * EventSourcingAccessModule.forRoot({ jwt: { secret: process.env.AUTH_SECRET!, tenantClaim: 'tenant' } })
   */
  static override forRoot(options: typeof ACCESS_OPTIONS_TYPE = {}): DynamicModule {
    return assemble(super.forRoot(options));
  }

  /**
   * Configures the module with options from a factory.
   * @example
   * EventSourcingAccessModule.forRootAsync({
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ jwt: { secret: config.getOrThrow('AUTH_SECRET') } }),
   * })
   */
  static override forRootAsync(options: typeof ACCESS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return assemble(super.forRootAsync(options));
  }
}

function assemble(base: DynamicModule): DynamicModule {
  const resolved: Provider = {
    provide: RESOLVED_ACCESS_OPTIONS,
    inject: [EVENT_SOURCING_ACCESS_OPTIONS],
    useFactory: (options: EventSourcingAccessOptions) => resolveAccessOptions(options),
  };
  const store: Provider = {
    provide: PermissionStore,
    inject: [RESOLVED_OPTIONS, DatabaseConnection, getDataSourceToken()],
    useFactory: ({ schema }: ResolvedOptions, connection: DatabaseConnection, dataSource: DataSource) =>
      connection.kind === 'memory'
        ? new InMemoryPermissionStore()
        : new PostgresPermissionStore(dataSource, quoteIdentifier(schema)),
  };
  const providers = [
    resolved,
    store,
    PermissionRequirements,
    PermissionChecker,
    PermissionGuard,
    AuthenticationMiddleware,
    PermissionReadModel,
  ];
  return {
    ...base,
    global: true,
    providers: [...(base.providers ?? []), ...providers],
    exports: [
      PermissionChecker,
      PermissionGuard,
      AuthenticationMiddleware,
      PermissionReadModel,
      RESOLVED_ACCESS_OPTIONS,
    ],
  };
}
