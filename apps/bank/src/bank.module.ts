import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventSourcingModule } from '@app/event-sourcing';
import { HealthController } from './health/health.controller';

@Module({
  imports: [
    EventSourcingModule.forRootAsync({
      // DATABASE_URL when set; otherwise an embedded PostgreSQL with its data in .data/bank.
      useFactory: () => ({
        database: process.env.DATABASE_URL,
        embedded: { dataDir: process.env.EMBEDDED_PG_DIR ?? '.data/bank' },
        applicationName: process.env.PG_APPLICATION_NAME ?? 'bank',
      }),
    }),
    TerminusModule,
  ],
  controllers: [HealthController],
})
export class BankModule {}
