import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { CorrelationIdMiddleware, EventSourcingHttpModule, EventSourcingModule } from 'nest-event-sourcing';
import { AccountsModule } from './accounts/accounts.module';
import { TransfersModule } from './transfers/transfers.module';
import { AccountReadModel1764300000000 } from './accounts/projections/account-read-model.migration';
import { HealthController } from './health/health.controller';
import { OperatorModule } from './operator/operator.module';

@Module({
  imports: [
    CqrsModule.forRoot(),
    EventSourcingModule.forRootAsync({
      // DATABASE_URL when set; otherwise an embedded PostgreSQL with its data in .data/bank.
      useFactory: () => ({
        database: process.env.DATABASE_URL,
        embedded: { dataDir: process.env.EMBEDDED_PG_DIR ?? '.data/bank' },
        applicationName: process.env.PG_APPLICATION_NAME ?? 'bank',
        // LOG_SQL=true logs every statement (SQL text only: parameters never reach a log).
        logging: process.env.LOG_SQL === 'true' ? 'all' : undefined,
        // The next command on an account skips reading its stream (README: Warm aggregates).
        warmAggregates: 10_000,
        // Operators look up a request's events by correlation id (GET /events?correlationId=).
        correlationIdIndex: true,
        // The read model's tables, created at startup with the store's own.
        typeorm: { migrations: [AccountReadModel1764300000000] },
      }),
    }),
    // Problem+json errors, Idempotency-Key, and the admin token of the operator routes.
    EventSourcingHttpModule.forRootAsync({ useFactory: () => ({ adminToken: process.env.ADMIN_TOKEN }) }),
    TerminusModule,
    AccountsModule,
    TransfersModule,
    OperatorModule,
  ],
  controllers: [HealthController],
})
export class BankModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationIdMiddleware).forRoutes('*');
  }
}
