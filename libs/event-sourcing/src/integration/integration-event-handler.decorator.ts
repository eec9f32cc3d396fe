import type { Type } from '@nestjs/common';
import { ConfigurationError } from '../errors/configuration-error';
import { assertSubscriberName } from '../subscriptions/subscriber-options';
import type { BrokerName } from './brokers-options';

const INTEGRATION_HANDLERS = Symbol('event-sourcing:integration-handlers');

/** Options of {@link IntegrationEventHandler}. */
export interface IntegrationEventHandlerOptions {
  /**
   * The consumer's name: the JetStream durable consumer, the RabbitMQ queue (unless
   * `queue` says otherwise) and the key of its inbox rows. Never rename a running one.
   */
  name: string;
  /** Default: `'rabbitmq'` when `queue` or `exchange` is given, else `'nats'`. */
  broker?: BrokerName;
  /** NATS: the stream to consume from; created (with the handler's subject) when missing. */
  stream?: string;
  /** RabbitMQ: the durable queue to consume from. Default: `name`. */
  queue?: string;
  /** RabbitMQ: a topic exchange to bind the queue to, with the subject as binding key (declared when missing). */
  exchange?: string;
  /** A class-validator class the JSON body must satisfy; the handler then gets an instance of it. */
  body?: Type;
  /** Tries of a message before it is parked, the first included. Default 5. */
  maxAttempts?: number;
  /** First pause between tries, doubled each time (at most 30 s). Default 200 ms. */
  retryBackoffMs?: number;
}

/** One `@IntegrationEventHandler` method, with its options resolved. @internal */
export interface IntegrationHandlerMetadata {
  method: string | symbol;
  subject: string;
  name: string;
  broker: BrokerName;
  stream: string | undefined;
  queue: string;
  exchange: string | undefined;
  body: Type | undefined;
  maxAttempts: number;
  retryBackoffMs: number;
}

/**
 * Marks a provider method that handles inbound integration messages from a broker: a
 * JetStream durable consumer on `subject` (wildcards `*` and `>`), or a RabbitMQ queue
 * (bound with `subject` as binding key, wildcards `*` and `#`). Each message is handled
 * in one PostgreSQL transaction together with its inbox row, keyed by the message id,
 * and acknowledged after the commit: a message delivered twice has no second effect.
 * Commands the handler dispatches commit on their own, so make them idempotent by the
 * message id (the id is the causation id of the events they store). A message that
 * fails (bad JSON, a failed `body` validation, a broken rule) is tried `maxAttempts`
 * times with backoff, then parked and acknowledged; `Subscriptions.parked()` lists it
 * under the handler's `name`, and `retryParked` / `dismissParked` take it.
 * @throws ConfigurationError for a bad name or options, naming the class.
 * @example
 * @IntegrationEventHandler('payments.incoming.*', { name: 'incoming-payments', stream: 'PAYMENTS', body: PaymentDto })
 * async paid({ id, data }: IntegrationMessage<PaymentDto>) {
 *   await this.commands.execute(new RecordPayment(data.accountId, data.amount, id));
 * }
 */
export function IntegrationEventHandler(subject: string, options: IntegrationEventHandlerOptions): MethodDecorator {
  return (target, method) => {
    const owner = `@IntegrationEventHandler on ${target.constructor.name}.${String(method)}`;
    assertSubscriberName(owner, options.name);
    if (typeof subject !== 'string' || subject.length === 0 || /[\s\u0000]/.test(subject)) {
      throw new ConfigurationError(`${owner}: the subject must be a non-empty string without spaces.`);
    }
    const broker =
      options.broker ?? (options.queue !== undefined || options.exchange !== undefined ? 'rabbitmq' : 'nats');
    if (broker === 'nats' && !options.stream) {
      throw new ConfigurationError(`${owner}: a NATS handler needs stream: the JetStream stream to consume from.`);
    }
    const positive = (key: 'maxAttempts' | 'retryBackoffMs', min: number): void => {
      const value = options[key];
      if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
        throw new ConfigurationError(`${owner}: ${key} must be an integer of at least ${min}, got ${String(value)}.`);
      }
    };
    positive('maxAttempts', 1);
    positive('retryBackoffMs', 0);
    const metadata: IntegrationHandlerMetadata = {
      method,
      subject,
      name: options.name,
      broker,
      stream: options.stream,
      queue: options.queue ?? options.name,
      exchange: options.exchange,
      body: options.body,
      maxAttempts: options.maxAttempts ?? 5,
      retryBackoffMs: options.retryBackoffMs ?? 200,
    };
    const known = getIntegrationHandlers(target.constructor);
    Reflect.defineMetadata(INTEGRATION_HANDLERS, [...known, metadata], target.constructor);
  };
}

/** The `@IntegrationEventHandler` methods of a class. @internal */
export function getIntegrationHandlers(target: unknown): IntegrationHandlerMetadata[] {
  if (typeof target !== 'function') return [];
  return (Reflect.getMetadata(INTEGRATION_HANDLERS, target) as IntegrationHandlerMetadata[] | undefined) ?? [];
}
