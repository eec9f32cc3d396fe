import type { EventPublisherOptions, EventSourcingBrokersOptions } from 'nest-event-sourcing/brokers';
import type { BankEnvironmentValues } from '../bank-environment';
import { EXTERNAL_DEPOSITS } from './external-deposits.handler';

/**
 * The bank's brokers, from its environment: with `NATS_URL`, every bank event goes to
 * the JetStream stream `BANK_EVENTS` (created if missing) on `bank-events.<event type>`,
 * and external deposits come from `BANK_INBOUND`; with `AMQP_URL`, every bank event
 * goes to the topic exchange `bank-events` too, routing key `bank-events.<event type>`.
 * The names can be changed (a test run takes names of its own).
 */
export function bankBrokers(env: BankEnvironmentValues): EventSourcingBrokersOptions {
  const prefix = env.BANK_EVENTS_SUBJECT ?? 'bank-events';
  const events = { types: ['bank.*' as const] };
  const publishers: EventPublisherOptions[] = [];
  if (env.NATS_URL) {
    publishers.push({
      name: 'bank-events-jetstream',
      broker: 'nats',
      events,
      prefix,
      stream: { name: env.BANK_EVENTS_STREAM ?? 'BANK_EVENTS' },
    });
  }
  if (env.AMQP_URL) {
    publishers.push({ name: 'bank-events-rabbitmq', broker: 'rabbitmq', events, prefix, exchange: prefix });
  }
  return {
    nats: env.NATS_URL ? { servers: env.NATS_URL } : undefined,
    rabbitmq: env.AMQP_URL ? { url: env.AMQP_URL } : undefined,
    publishers,
    handlers: {
      [EXTERNAL_DEPOSITS]: {
        stream: env.BANK_INBOUND_STREAM ?? 'BANK_INBOUND',
        subject: env.BANK_INBOUND_SUBJECT ?? 'bank-inbound.deposits',
      },
    },
  };
}
