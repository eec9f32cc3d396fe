import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { EventStoreHealthIndicator, SubscriptionsHealthIndicator } from 'nest-event-sourcing';
import { BrokersHealthIndicator } from 'nest-event-sourcing/brokers';

/** Projections further behind than this many events make the app unhealthy. */
const MAX_PROJECTION_LAG = 10_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly eventStore: EventStoreHealthIndicator,
    private readonly subscriptions: SubscriptionsHealthIndicator,
    private readonly brokers: BrokersHealthIndicator,
  ) {}

  /**
   * 200 when the database answers and the projections keep up (state, position and lag
   * of each in the details); 503 when the database does not answer, or a projection is
   * failing, parked, held back, not running anywhere, or lags too far; or a broker
   * (NATS_URL, AMQP_URL) is not connected or its publisher cannot publish (the events
   * wait in the store meanwhile, and the app serves on).
   */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.eventStore.isHealthy('database'),
      () =>
        this.subscriptions.isHealthy('projections', {
          maxLag: MAX_PROJECTION_LAG,
          kinds: ['projection', 'saga', 'handler'],
        }),
      () => this.brokers.isHealthy('brokers'),
    ]);
  }
}
