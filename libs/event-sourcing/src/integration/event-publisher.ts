import { ConfigurationError } from '../errors/configuration-error';
import type { EventEnvelope } from '../events/event-envelope';
import type { EventTypeRegistry } from '../events/event-type-registry';
import type { SubscriberDefinition } from '../subscriptions/subscriber-definition';
import { assertSubscriberName, resolveSubscriberOptions } from '../subscriptions/subscriber-options';
import { isTypePattern } from '../subscriptions/type-pattern';
import type { BrokerPublisher } from './broker-client';
import type { EventPublisherOptions } from './brokers-options';
import { outboundMessage, selectedTypes, selects } from './outbound-message';

/**
 * A publisher as a durable subscriber of the store (the store is the outbox): it reads
 * the selected events after its checkpoint, publishes each page, and its checkpoint
 * moves only once the broker acknowledged all of the page. After a crash the page goes
 * out again, and the broker drops what it already has by message id (the event id).
 * @throws ConfigurationError for a bad name or options. @internal
 */
export function publisherDefinition(
  options: EventPublisherOptions,
  publisher: BrokerPublisher,
  registry: EventTypeRegistry,
): SubscriberDefinition {
  const owner = `${options.broker === 'nats' ? 'JetStream' : 'RabbitMQ'} publisher "${options.name}"`;
  assertSubscriberName(owner, options.name);
  if (options.broker !== 'nats' && options.broker !== 'rabbitmq') {
    throw new ConfigurationError(`${owner}: broker must be 'nats' or 'rabbitmq', got ${String(options.broker)}.`);
  }
  const named = selectedTypes(owner, options.events);
  const wanted = new Set(named);
  // A pattern ('bank.*') reads every type, and picks its own.
  const types = options.events?.types?.some(isTypePattern) ? [] : named;
  const publishPage = async (events: EventEnvelope[]): Promise<void> => {
    const selected = events.filter((e) => selects(options.events, e, wanted));
    if (selected.length > 0) await publisher.publish(selected.map((e) => outboundMessage(e, options, registry)));
  };
  return {
    name: options.name,
    kind: 'publisher',
    owner,
    types,
    options: resolveSubscriberOptions(owner, options, 'stop'),
    transactional: false,
    rebuildable: false,
    handle: (envelope) => publishPage([envelope]),
    handlePage: (envelopes) => publishPage(envelopes),
  };
}
