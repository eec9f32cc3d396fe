import type { DomainEventClass } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import type { ParkPolicy } from '../subscriptions/subscriber-options';

/** Which broker a publisher or an inbound handler uses. */
export type BrokerName = 'nats' | 'rabbitmq';

/** How to reach NATS (with JetStream enabled). */
export interface NatsBrokerOptions {
  /** `nats://host:port`, or several, comma-separated or as an array. */
  servers: string | string[];
  /** The connection's name, as the server's monitoring shows it. Default: the module's `applicationName`. */
  name?: string;
  /** How long to wait for a PubAck (and for a connection) before the broker counts as away. Default 5 s. */
  ackTimeoutMs?: number;
}

/** How to reach RabbitMQ. */
export interface RabbitMqBrokerOptions {
  /** `amqp://user:password@host:5672/vhost`. */
  url: string;
  /** How long to wait for publisher confirms (and for a connection) before the broker counts as away. Default 5 s. */
  confirmTimeoutMs?: number;
}

/**
 * Which stored events a publisher sends. Each field narrows: `types` and `prefix`
 * choose by type name, `filter` by anything in the envelope. None: every event.
 */
export interface EventSelection {
  /** Type names, `@DomainEvent` classes, or patterns (`'*'`, `'bank.*'`). */
  types?: (string | DomainEventClass)[];
  /** Types whose name starts with this, e.g. `'bank.'`. */
  prefix?: string;
  /** Returns false for an event to leave out. */
  filter?: (envelope: EventEnvelope) => boolean;
}

/** A JetStream stream a publisher writes to. */
export interface JetStreamStreamOptions {
  name: string;
  /** Its subjects when it is created. Default `['<prefix>.>']`. */
  subjects?: string[];
  /** Create it when it is missing. Default true. */
  create?: boolean;
  /**
   * The window in which the broker drops a message whose `Nats-Msg-Id` it has seen, for
   * a stream it creates. Default 10 minutes: a republished page after a crash or an
   * outage comes well within it.
   */
  duplicateWindowMs?: number;
}

/** One outbound publisher: a durable subscriber of the store that sends events to a broker. */
export interface EventPublisherOptions {
  /** Its subscriber name: it keys its checkpoint. Never rename a running one. */
  name: string;
  broker: BrokerName;
  /** What goes out. Default: every event. */
  events?: EventSelection;
  /** The first part of subjects (NATS) and routing keys (RabbitMQ). Default `'events'`. */
  prefix?: string;
  /**
   * The subject (or routing key) of an event: a pattern with `{prefix}`, `{type}` and
   * `{streamId}`, or a function. Default `'{prefix}.{type}'`, e.g. `bank-events.bank.money-deposited`.
   */
  subject?: string | ((envelope: EventEnvelope) => string);
  /** NATS: the stream, created when missing. Required for `broker: 'nats'`. */
  stream?: JetStreamStreamOptions;
  /** RabbitMQ: the durable topic exchange, declared at start. Default: the prefix. */
  exchange?: string;
  /** Events per page; each page is published as a whole and acknowledged before the checkpoint moves. */
  batchSize?: number;
  /** Tries of an event the broker refuses (not an outage), the first included. Default 5. */
  maxAttempts?: number;
  /** First pause between those tries, doubled each time. Default 100 ms. */
  retryBackoffMs?: number;
  /** What to do with an event refused after every try. Default `'stop'`: keep order, wait for an operator. */
  onFailure?: ParkPolicy;
  /**
   * Publish from this many partitions (by stream id), shared by the instances: each
   * stream's events still go out in order (see `SubscriberOptions.partitions`). Default 1.
   */
  partitions?: number;
  /** Wait up to this long for a fuller page before publishing (see `SubscriberOptions.debounceMs`). */
  debounceMs?: number;
  /** The longest a debounced page waits. Default 5 × `debounceMs`. */
  maxWaitMs?: number;
}

/** The options of `EventSourcingBrokersModule`. */
export interface EventSourcingBrokersOptions {
  /** NATS JetStream; unset, no publisher or handler may use it. */
  nats?: NatsBrokerOptions;
  /** RabbitMQ; unset, no publisher or handler may use it. */
  rabbitmq?: RabbitMqBrokerOptions;
  /** The outbound publishers. */
  publishers?: EventPublisherOptions[];
  /** Whether `@IntegrationEventHandler`s consume on this instance. Default true. */
  consume?: boolean;
  /**
   * Where handlers consume, by handler name, overriding their decorator: deployment
   * settings such as a stream or queue name per environment.
   */
  handlers?: Record<string, IntegrationHandlerPlacement>;
}

/** The parts of an `@IntegrationEventHandler` a deployment may set (see `handlers`). */
export interface IntegrationHandlerPlacement {
  subject?: string;
  stream?: string;
  queue?: string;
  exchange?: string;
}
