import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventSourcingHttpModule, EventSourcingModule } from 'nest-event-sourcing';
import { Counter } from './counter.aggregate';
import { CounterView } from './counter-view.entity';
import { CountersController } from './counters.controller';
import { CountersProjection } from './counters.projection';
import { IncrementCounterHandler } from './increment-counter.command';

@Module({
  imports: [
    CqrsModule.forRoot(),
    EventSourcingModule.forRoot({
      database: process.env.DATABASE_URL ?? 'embedded',
      // The read model's table from its entity; the store's own tables come from migrations.
      typeorm: { entities: [CounterView], synchronize: true },
    }),
    EventSourcingModule.forFeature({ aggregates: [Counter], projections: [CountersProjection] }),
    EventSourcingHttpModule.forRoot(),
    TypeOrmModule.forFeature([CounterView]),
  ],
  controllers: [CountersController],
  providers: [IncrementCounterHandler],
})
export class AppModule {}
