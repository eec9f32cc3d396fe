import { createHash } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { InboundConsumer } from '../inbound-consumer';
import type { InboundHandler } from '../inbound-handler';
import type { ReceivedMessage } from '../integration-message';
import type { AmqpConnector } from './amqp-connector';

/**
 * Consumes one handler's durable queue (bound to its exchange with the subject as
 * binding key, when it names one), one message at a time, acknowledged once its handler
 * committed (or parked it); one that could not be handled because the database is away
 * is rejected back to the queue. @internal
 */
export class AmqpConsumer extends InboundConsumer {
  private channel: Channel | undefined;

  constructor(
    handler: InboundHandler,
    private readonly connector: AmqpConnector,
    logger: Logger,
  ) {
    super(handler, logger);
  }

  protected async consume(): Promise<void> {
    const { queue, exchange, subject } = this.handler.metadata;
    const channel = await this.connector.confirmChannel();
    this.channel = channel;
    const ended = new Promise<void>((resolve) => {
      channel.on('close', () => resolve());
      channel.on('error', () => undefined);
    });
    try {
      await channel.assertQueue(queue, { durable: true });
      if (exchange) {
        await channel.assertExchange(exchange, 'topic', { durable: true });
        await channel.bindQueue(queue, exchange, subject);
      }
      await channel.prefetch(1);
      // One at a time, in order: the next message waits for this one's ack.
      let chain = Promise.resolve();
      await channel.consume(queue, (message) => {
        if (!message) return;
        chain = chain.then(() => this.deliver(channel, message));
      });
      this.lastError = undefined;
    } catch (error) {
      await channel.close().catch(() => undefined);
      throw this.connector.outage(error);
    }
    await ended;
    if (!this.stopped) throw new Error(`the channel of queue "${queue}" closed`);
  }

  protected async interrupt(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
  }

  private async deliver(channel: Channel, message: ConsumeMessage): Promise<void> {
    try {
      await this.handler.receive(received(message, this.handler.metadata.queue));
      channel.ack(message);
    } catch {
      // The database is away: give it a moment rather than have the message back at once.
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 1_000));
      try {
        channel.nack(message, false, !this.stopped);
      } catch {
        // The channel is gone: the broker redelivers the message by itself.
      }
    }
  }
}

function received(message: ConsumeMessage, queue: string): ReceivedMessage {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(message.properties.headers ?? {})) {
    if (value !== undefined && value !== null) headers[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const { messageId } = message.properties as { messageId?: unknown };
  return {
    // Without a messageId, the content names it: the same body on the same key is the same message.
    id:
      typeof messageId === 'string' && messageId !== ''
        ? messageId
        : `${queue}:${createHash('sha256').update(message.fields.routingKey).update(message.content).digest('hex')}`,
    subject: message.fields.routingKey,
    body: message.content,
    headers,
  };
}
