import type { ConfirmChannel } from 'amqplib';
import { BrokerUnavailableError } from '../../errors/broker-unavailable-error';
import type { BrokerPublisher } from '../broker-client';
import type { OutboundMessage } from '../outbound-message';
import type { AmqpConnector } from './amqp-connector';

/**
 * Publishes pages to one durable topic exchange on a confirm channel: every message
 * persistent, `messageId` = event id, routing key from the publisher's pattern, and
 * resolves once the broker confirmed every one. RabbitMQ has no duplicate window: a
 * page published again after a crash reaches consumers again, who dedupe by
 * `messageId` (an inbox does). @internal
 */
export class AmqpPublisher implements BrokerPublisher {
  private channel: ConfirmChannel | undefined;

  constructor(
    private readonly connector: AmqpConnector,
    private readonly exchange: string,
  ) {
    connector.onLoss(() => (this.channel = undefined));
  }

  async publish(messages: OutboundMessage[]): Promise<void> {
    const channel = await this.open();
    const confirms = messages.map(
      (message) =>
        new Promise<void>((resolve, reject) => {
          channel.publish(
            this.exchange,
            message.subject,
            message.body,
            {
              messageId: message.id,
              persistent: true,
              contentType: 'application/json',
              type: message.headers['Es-Type'],
              timestamp: Math.floor(message.createdAt.getTime() / 1000),
              headers: message.headers,
            },
            (error: unknown) =>
              error ? reject(error instanceof Error ? error : new Error('nacked by the broker')) : resolve(),
          );
        }),
    );
    const timeoutMs = this.connector.options.confirmTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new BrokerUnavailableError('rabbitmq', `no confirm within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([Promise.all(confirms), timeout]);
    } catch (error) {
      // Unconfirmed on this channel: the next page starts on a new one.
      this.channel = undefined;
      void channel.close().catch(() => undefined);
      throw this.connector.outage(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private async open(): Promise<ConfirmChannel> {
    if (this.channel) return this.channel;
    const channel = await this.connector.confirmChannel();
    try {
      channel.on('error', () => undefined);
      channel.on('close', () => {
        if (this.channel === channel) this.channel = undefined;
      });
      await channel.assertExchange(this.exchange, 'topic', { durable: true });
    } catch (error) {
      throw this.connector.outage(error);
    }
    this.channel = channel;
    return channel;
  }
}
