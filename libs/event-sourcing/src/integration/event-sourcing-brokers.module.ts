import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Brokers } from './brokers';
import { BrokersHealthIndicator } from './brokers-health-indicator';
import { BROKERS_ASYNC_OPTIONS_TYPE, BROKERS_OPTIONS_TYPE, ConfigurableBrokersModule } from './module-definition';

/**
 * NATS JetStream and RabbitMQ, in and out (from `nest-event-sourcing/brokers`, so the
 * broker clients load only where it is imported):
 *
 * - each of `publishers` is a durable subscriber of the store that publishes the events
 *   it selects, with the event id as message id, and moves its checkpoint only once the
 *   broker acknowledged them (JetStream PubAcks, RabbitMQ publisher confirms): the store
 *   is the outbox, nothing is lost between commit and publish;
 * - every `@IntegrationEventHandler` method of the application's providers consumes its
 *   subject, each message in a transaction with its inbox row (a handler whose broker
 *   has no connection option here is left out, with a warning).
 *
 * While a broker is away the app starts and serves; publishers back off and resume,
 * `BrokersHealthIndicator` and `Subscriptions.status()` show it. Import it beside
 * `EventSourcingModule.forRoot`; it is global.
 * @throws ConfigurationError at bootstrap for a publisher naming a broker with no connection option.
 * @example
 * EventSourcingBrokersModule.forRoot({
 *   nats: { servers: 'nats://127.0.0.1:4222' },
 *   publishers: [{ name: 'orders-out', broker: 'nats', prefix: 'orders', stream: { name: 'ORDERS' } }],
 * })
 */
@Module({})
export class EventSourcingBrokersModule extends ConfigurableBrokersModule {
  /** Configures the brokers with static options. */
  static override forRoot(options: typeof BROKERS_OPTIONS_TYPE): DynamicModule {
    return assemble(super.forRoot(options));
  }

  /**
   * Configures the brokers with options from a factory.
   * @example
   * EventSourcingBrokersModule.forRootAsync({
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ nats: { servers: config.getOrThrow('NATS_URL') } }),
   * })
   */
  static override forRootAsync(options: typeof BROKERS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return assemble(super.forRootAsync(options));
  }
}

function assemble(base: DynamicModule): DynamicModule {
  return {
    ...base,
    global: true,
    imports: [...(base.imports ?? []), DiscoveryModule],
    providers: [...(base.providers ?? []), Brokers, BrokersHealthIndicator],
    exports: [Brokers, BrokersHealthIndicator],
  };
}
