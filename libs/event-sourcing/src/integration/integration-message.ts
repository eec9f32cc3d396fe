import type { EntityManager } from 'typeorm';
import type { BrokerName } from './brokers-options';

/** An inbound integration message, as an `@IntegrationEventHandler` method receives it. */
export interface IntegrationMessage<TData = unknown> {
  /** Its id: `Nats-Msg-Id` or the AMQP `messageId` (see the brokers guide for messages without one). */
  id: string;
  /** The subject (NATS) or routing key (RabbitMQ) it came on. */
  subject: string;
  /** The body, parsed from JSON (and validated into the handler's `body` class, if it has one). */
  data: TData;
  headers: Readonly<Record<string, string>>;
  broker: BrokerName;
  /** The stream (NATS) or queue (RabbitMQ) it was consumed from. */
  source: string;
}

/** What an `@IntegrationEventHandler` method is given besides the message. */
export interface InboxContext {
  /**
   * The manager of the transaction that records the message in the inbox: what you
   * write through it commits with that record, exactly once.
   */
  manager: EntityManager;
  /** The message id: the idempotency key of anything the handler causes elsewhere. */
  messageId: string;
  /** 1 for the first try, then 2, 3… */
  attempt: number;
}

/** A message as a broker consumer hands it over. @internal */
export interface ReceivedMessage {
  id: string;
  subject: string;
  body: Uint8Array;
  headers: Record<string, string>;
  /** The stream sequence on NATS. */
  sequence?: number;
  /** Tells the broker the message is still being worked on (NATS: resets its ack wait). */
  working?(): void;
}
