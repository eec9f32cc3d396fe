import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import {
  CorrelationIdMiddleware,
  EventSourcingHttpModule,
  EventSourcingModule,
  EventSourcingOperatorModule,
} from 'nest-event-sourcing';
import { EventSourcingBrokersModule } from 'nest-event-sourcing/brokers';
import { AccountsModule } from './accounts/accounts.module';
import { AccountsOperatorModule } from './accounts/accounts-operator.module';
import { ACCOUNTS_PROJECTION } from './accounts/projections/accounts.projection';
import { bankEnvironment, type BankEnvironmentValues } from './bank-environment';
import { describeBankError } from './domain-error-messages';
import { TransfersModule } from './transfers/transfers.module';
import { AccountPersonalData1765200000001 } from './accounts/projections/account-personal-data.migration';
import { AccountReadModel1764300000000 } from './accounts/projections/account-read-model.migration';
import { AccountEmail1765100000001 } from './accounts/projections/account-email.migration';
import { HealthController } from './health/health.controller';
import { bankBrokers } from './integration/bank-brokers';
import { IntegrationModule } from './integration/integration.module';

@Module({
  imports: [
    // The environment, validated at boot before anything opens (see bank-environment.ts).
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [bankEnvironment] }),
    CqrsModule.forRoot(),
    EventSourcingModule.forRootAsync({
      inject: [bankEnvironment.KEY],
      // DATABASE_URL when set; otherwise an embedded PostgreSQL with its data in .data/bank.
      useFactory: (env: BankEnvironmentValues) => ({
        database: env.DATABASE_URL,
        embedded: { dataDir: env.EMBEDDED_PG_DIR ?? '.data/bank' },
        applicationName: env.PG_APPLICATION_NAME ?? 'bank',
        // LOG_SQL=true logs every statement (SQL text only: parameters never reach a log).
        logging: env.LOG_SQL === 'true' ? 'all' : undefined,
        // The next command on an account skips reading its stream (docs/aggregates.md, Warm aggregates).
        warmAggregates: 10_000,
        // The owner's name is personal data: its keys wrapped by ES_MASTER_KEY when set (docs/personal-data.md).
        personalData: { masterKey: env.ES_MASTER_KEY },
        // Operators look up a request's events by correlation id (GET /events?correlationId=).
        correlationIdIndex: true,
        // GET /events answers the /admin page's repeated questions from a cache (docs/operator.md).
        queryCache: { ttl: '5 s' },
        // The read model's tables, created at startup with the store's own.
        typeorm: {
          migrations: [AccountReadModel1764300000000, AccountEmail1765100000001, AccountPersonalData1765200000001],
        },
        // BANK_ACCOUNTS_PARTITIONS=4: the instances share the accounts projection (docs/scaling.md).
        subscriptions: { partitions: { [ACCOUNTS_PROJECTION]: env.BANK_ACCOUNTS_PARTITIONS ?? 1 } },
      }),
    }),
    // Problem+json errors, Idempotency-Key, and the admin token of the operator routes.
    EventSourcingHttpModule.forRootAsync({
      inject: [bankEnvironment.KEY],
      useFactory: (env: BankEnvironmentValues) => ({
        adminToken: env.ADMIN_TOKEN,
        // Broken rules in German for Accept-Language: de (the rule and its values stay as they are).
        describeDomainError: describeBankError,
      }),
    }),
    // With NATS_URL / AMQP_URL: bank events out to JetStream / RabbitMQ, external deposits in (docs in the README).
    EventSourcingBrokersModule.forRootAsync({
      inject: [bankEnvironment.KEY],
      useFactory: (env: BankEnvironmentValues) => bankBrokers(env),
    }),
    TerminusModule,
    AccountsModule,
    AccountsOperatorModule,
    TransfersModule,
    IntegrationModule,
    // GET /events, /admin/streams, /admin/subscriptions and the /admin page, behind ADMIN_TOKEN.
    EventSourcingOperatorModule,
  ],
  controllers: [HealthController],
})
export class BankModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationIdMiddleware).forRoutes('*');
  }
}
