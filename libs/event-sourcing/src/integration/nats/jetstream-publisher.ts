import { jetstream, jetstreamManager, JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders, nanos } from '@nats-io/transport-node';
import { BrokerUnavailableError } from '../../errors/broker-unavailable-error';
import { ConfigurationError } from '../../errors/configuration-error';
import type { BrokerPublisher } from '../broker-client';
import type { JetStreamStreamOptions } from '../brokers-options';
import type { OutboundMessage } from '../outbound-message';
import type { NatsConnector } from './nats-connector';

const DEFAULT_DUPLICATE_WINDOW_MS = 10 * 60_000;

/**
 * Publishes pages to one JetStream stream: every message with `Nats-Msg-Id` = event id
 * (the stream drops one it has seen within its duplicate window), all of a page in
 * flight at once, and resolves once every PubAck came back. Creates the stream when it
 * is missing, on first use. @internal
 */
export class JetStreamPublisher implements BrokerPublisher {
  private ready: JetStreamClient | undefined;

  constructor(
    private readonly connector: NatsConnector,
    private readonly stream: JetStreamStreamOptions,
    private readonly prefix: string,
  ) {
    if (!stream?.name) throw new ConfigurationError('A JetStream publisher needs stream: { name }.');
  }

  async publish(messages: OutboundMessage[]): Promise<void> {
    try {
      const js = await this.client();
      const timeout = this.connector.options.ackTimeoutMs;
      const acks = messages.map((message) => {
        const headers = natsHeaders();
        for (const [key, value] of Object.entries(message.headers)) headers.set(key, value);
        return js.publish(message.subject, message.body, {
          msgID: message.id,
          headers,
          timeout,
          expect: { streamName: this.stream.name },
        });
      });
      const settled = await Promise.allSettled(acks);
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      // A stream deleted behind its back is made again at the next try.
      if (error instanceof JetStreamApiError) this.ready = undefined;
      if (error instanceof Error && error.name === 'JetStreamNotEnabled') {
        throw new BrokerUnavailableError(
          'nats',
          `no JetStream stream answered for ${messages[0]?.subject ?? 'the subject'} (is JetStream on, and does stream ${this.stream.name} take that subject?)`,
          { cause: error },
        );
      }
      throw this.connector.outage(error);
    }
  }

  private async client(): Promise<JetStreamClient> {
    if (this.ready) return this.ready;
    const connection = await this.connector.get();
    const manager = await jetstreamManager(connection, { timeout: this.connector.options.ackTimeoutMs });
    const { name, subjects, create = true, duplicateWindowMs = DEFAULT_DUPLICATE_WINDOW_MS } = this.stream;
    try {
      await manager.streams.info(name);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== 10059 || !create) throw error;
      await manager.streams.add({
        name,
        subjects: subjects ?? [`${this.prefix}.>`],
        duplicate_window: nanos(duplicateWindowMs),
      });
    }
    this.ready = jetstream(connection, { timeout: this.connector.options.ackTimeoutMs });
    return this.ready;
  }
}
