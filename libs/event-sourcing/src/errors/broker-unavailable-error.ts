import { EventSourcingError } from './event-sourcing-error';

/**
 * A message broker (NATS JetStream, RabbitMQ) cannot be reached or did not acknowledge
 * in time. A publisher that meets it does not park the event: it backs off and tries
 * again until the broker is back (state `failing` meanwhile).
 */
export class BrokerUnavailableError extends EventSourcingError {
  readonly code = 'ES_BROKER_UNAVAILABLE';

  constructor(
    readonly broker: 'nats' | 'rabbitmq',
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${broker === 'nats' ? 'NATS JetStream' : 'RabbitMQ'} is unavailable: ${reason}. It is tried again with backoff.`,
      options,
    );
  }
}
