import { Controller, Module, Param, Post, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { Aggregate } from '../aggregates/aggregate.decorator';
import { AggregateRoot } from '../aggregates/aggregate-root';
import type { AggregateRepository } from '../aggregates/aggregate-repository';
import { Apply } from '../aggregates/apply.decorator';
import { InjectAggregateRepository } from '../aggregates/inject-aggregate-repository.decorator';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import { EventStore } from '../store/event-store';
import { CorrelationIdMiddleware } from './correlation-id.middleware';

@DomainEvent('ping.pinged')
class Pinged {}

@Aggregate('ping')
class Ping extends AggregateRoot {
  ping(): void {
    this.apply(new Pinged());
  }

  @Apply(Pinged)
  protected onPinged(): void {}
}

class SendPing extends Command<void> {
  readonly commandId = 'cmd-1';
  constructor(readonly id: string) {
    super();
  }
}

@CommandHandler(SendPing)
class SendPingHandler implements ICommandHandler<SendPing> {
  constructor(@InjectAggregateRepository(Ping) private readonly pings: AggregateRepository<Ping>) {}

  async execute({ id }: SendPing): Promise<void> {
    const ping = new Ping(id);
    ping.ping();
    await this.pings.save(ping);
  }
}

@Controller('pings')
class PingController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id')
  send(@Param('id') id: string): Promise<void> {
    return this.commands.execute(new SendPing(id));
  }
}

@Module({
  imports: [
    CqrsModule.forRoot(),
    EventSourcingModule.forRoot({ database: 'memory' }),
    EventSourcingModule.forFeature({ aggregates: [Ping] }),
  ],
  controllers: [PingController],
  providers: [SendPingHandler],
})
class PingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationIdMiddleware).forRoutes('*');
  }
}

describe('CorrelationIdMiddleware', () => {
  it("carries the request's correlation id into the events its command writes, with the command as cause", async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PingModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const response = await request(app.getHttpServer())
        .post('/pings/p-1')
        .set('X-Correlation-Id', 'req-123')
        .expect(201);
      expect(response.headers['x-correlation-id']).toBe('req-123');
      const [event] = await app.get(EventStore).readStream('ping-p-1');
      expect(event!.metadata).toMatchObject({ correlationId: 'req-123', causationId: 'cmd-1' });

      const generated = await request(app.getHttpServer())
        .post('/pings/p-2')
        .set('X-Correlation-Id', 'bad id with spaces')
        .expect(201);
      expect(generated.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
      const [second] = await app.get(EventStore).readStream('ping-p-2');
      expect(second!.metadata.correlationId).toBe(generated.headers['x-correlation-id']);
    } finally {
      await app.close();
    }
  });
});
