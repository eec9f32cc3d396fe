// The public API of nest-event-sourcing/brokers: NATS JetStream and RabbitMQ, in and out.
// A separate entry point, so that the main one never loads the broker clients.

export { EventSourcingBrokersModule } from './event-sourcing-brokers.module';
export type {
  BrokerName,
  EventPublisherOptions,
  EventSelection,
  EventSourcingBrokersOptions,
  IntegrationHandlerPlacement,
  JetStreamStreamOptions,
  NatsBrokerOptions,
  RabbitMqBrokerOptions,
} from './brokers-options';
export { IntegrationEventHandler, type IntegrationEventHandlerOptions } from './integration-event-handler.decorator';
export type { InboxContext, IntegrationMessage } from './integration-message';
export { EVENT_HEADERS } from './outbound-message';
export type { BrokerState } from './broker-client';
export { BrokersHealthIndicator } from './brokers-health-indicator';
export { Brokers } from './brokers';
