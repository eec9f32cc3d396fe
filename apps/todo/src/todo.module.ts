import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import {
  AuthenticationMiddleware,
  CorrelationIdMiddleware,
  EventSourcingAccessModule,
  EventSourcingHttpModule,
  EventSourcingModule,
  EventSourcingOperatorModule,
} from 'nest-event-sourcing';
import { HealthController } from './health/health.controller';
import { todoEnvironment, type TodoEnvironmentValues } from './todo-environment';
import { LIST_ROLES } from './lists/list-access';
import { ListsController } from './lists/lists.controller';
import { ListsModule } from './lists/lists.module';
import { ListQueriesController } from './lists/queries/list-queries.controller';
import { TodoReadModel1764400000000 } from './lists/projections/todo-read-model.migration';
import { TodoReadModelTenants1765400000002 } from './lists/projections/todo-read-model-tenants.migration';

@Module({
  imports: [
    // The environment, validated at boot before anything opens (see todo-environment.ts).
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [todoEnvironment] }),
    CqrsModule.forRoot(),
    EventSourcingModule.forRootAsync({
      inject: [todoEnvironment.KEY],
      // DATABASE_URL when set; otherwise an embedded PostgreSQL with its data in .data/todo.
      useFactory: (env: TodoEnvironmentValues) => ({
        database: env.DATABASE_URL,
        embedded: { dataDir: env.EMBEDDED_PG_DIR ?? '.data/todo' },
        applicationName: env.PG_APPLICATION_NAME ?? 'todo',
        // The next command on a list skips reading its stream (docs/aggregates.md, Warm aggregates).
        warmAggregates: 10_000,
        // The read model's tables, created at startup with the store's own.
        typeorm: { migrations: [TodoReadModel1764400000000, TodoReadModelTenants1765400000002] },
        // With users, each has a tenant (the token's claim): the store keeps tenants apart.
        tenancy: env.AUTH_SECRET !== undefined,
      }),
    }),
    // Problem+json errors, Idempotency-Key, and the admin token of the operator routes.
    EventSourcingHttpModule.forRootAsync({
      inject: [todoEnvironment.KEY],
      useFactory: (env: TodoEnvironmentValues) => ({ adminToken: env.ADMIN_TOKEN }),
    }),
    // With AUTH_SECRET: bearer tokens of users, and their permissions on lists, granted by
    // the lists' events (the creator: everything; members: their role). Without it: open.
    EventSourcingAccessModule.forRootAsync({
      inject: [todoEnvironment.KEY],
      useFactory: (env: TodoEnvironmentValues) => ({
        jwt: env.AUTH_SECRET ? { secret: env.AUTH_SECRET, tenantClaim: 'tenant' } : undefined,
        roles: LIST_ROLES,
      }),
    }),
    // GET /events, /admin/streams, /admin/subscriptions and the /admin page, behind ADMIN_TOKEN.
    EventSourcingOperatorModule,
    TerminusModule,
    ListsModule,
  ],
  controllers: [HealthController],
})
export class TodoModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationIdMiddleware).forRoutes('*');
    // The lists' routes need a user; health probes and the operator routes (ADMIN_TOKEN) do not.
    consumer.apply(AuthenticationMiddleware).forRoutes(ListsController, ListQueriesController);
  }
}
