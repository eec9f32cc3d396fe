import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  JetStreamApiError,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { InboundConsumer } from '../inbound-consumer';
import type { InboundHandler } from '../inbound-handler';
import type { ReceivedMessage } from '../integration-message';
import type { NatsConnector } from './nats-connector';
import type { Logger } from '@nestjs/common';

const ACK_WAIT_MS = 30_000;

/**
 * Consumes one handler's subject from a JetStream durable consumer (named for the
 * handler, explicit acks), creating the stream and the consumer when missing. A message
 * is acknowledged once its handler committed (or parked it); one that could not be
 * handled because the database is away is nak'ed, to come again. @internal
 */
export class JetStreamConsumer extends InboundConsumer {
  private messages: ConsumerMessages | undefined;

  constructor(
    handler: InboundHandler,
    private readonly connector: NatsConnector,
    logger: Logger,
  ) {
    super(handler, logger);
  }

  protected async consume(): Promise<void> {
    const { stream, subject, name } = { ...this.handler.metadata, stream: this.handler.metadata.stream! };
    const connection = await this.connector.get();
    try {
      const manager = await jetstreamManager(connection);
      await manager.streams.info(stream).catch(async (error: unknown) => {
        if (!(error instanceof JetStreamApiError) || error.code !== 10059) throw error;
        await manager.streams.add({ name: stream, subjects: [subject] });
      });
      await manager.consumers.info(stream, name).catch(async (error: unknown) => {
        if (!(error instanceof JetStreamApiError) || error.code !== 10014) throw error;
        await manager.consumers.add(stream, {
          durable_name: name,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          filter_subject: subject,
          ack_wait: nanos(ACK_WAIT_MS),
        });
      });
      const consumer = await jetstream(connection).consumers.get(stream, name);
      this.messages = await consumer.consume({ max_messages: 16 });
      if (this.stopped) await this.messages.close();
      this.lastError = undefined;
      for await (const message of this.messages) {
        try {
          await this.handler.receive(received(message));
          message.ack();
        } catch {
          if (!this.stopped) message.nak(1_000);
        }
      }
    } catch (error) {
      throw this.connector.outage(error);
    }
  }

  protected async interrupt(): Promise<void> {
    await this.messages?.close().catch(() => undefined);
  }
}

function received(message: JsMsg): ReceivedMessage {
  const headers: Record<string, string> = {};
  for (const key of message.headers?.keys() ?? []) headers[key] = message.headers!.get(key);
  return {
    // Without a Nats-Msg-Id, the stream sequence names it: a redelivery keeps it.
    id: headers['Nats-Msg-Id'] || `${message.info.stream}:${message.seq}`,
    subject: message.subject,
    body: message.data,
    headers,
    sequence: message.seq,
    working: () => message.working(),
  };
}
