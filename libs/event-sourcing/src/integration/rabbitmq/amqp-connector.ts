import type { Logger } from '@nestjs/common';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { BrokerUnavailableError } from '../../errors/broker-unavailable-error';
import { errorMessage } from '../../errors/error-message';
import type { BrokerConnector, BrokerState } from '../broker-client';
import { withoutCredentials } from '../broker-client';

/** The RabbitMQ options with defaults filled in. @internal */
export interface ResolvedRabbitMqOptions {
  url: string;
  name: string;
  confirmTimeoutMs: number;
}

/**
 * The one RabbitMQ connection of the process: opened on first use, and again on the
 * next use after it dropped (amqplib does not reconnect by itself). Channels are made
 * on it by the publishers and consumers, which make them again after a loss. @internal
 */
export class AmqpConnector implements BrokerConnector {
  private connection: ChannelModel | undefined;
  private connecting: Promise<ChannelModel> | undefined;
  private closed = false;
  private lastError: string | undefined;
  private readonly lossListeners = new Set<() => void>();

  constructor(
    readonly options: ResolvedRabbitMqOptions,
    private readonly logger: Logger,
  ) {}

  get state(): BrokerState {
    const connected = this.connection !== undefined;
    return {
      broker: 'rabbitmq',
      target: withoutCredentials(this.options.url),
      connected,
      ...(!connected && this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** A new confirm channel (publisher confirms on). @throws BrokerUnavailableError */
  async confirmChannel(): Promise<ConfirmChannel> {
    const connection = await this.get();
    try {
      return await connection.createConfirmChannel();
    } catch (error) {
      throw this.outage(error);
    }
  }

  /** Calls `listener` whenever the connection is lost. */
  onLoss(listener: () => void): () => void {
    this.lossListeners.add(listener);
    return () => this.lossListeners.delete(listener);
  }

  /** An error of amqplib as {@link BrokerUnavailableError} when it means RabbitMQ is away. */
  outage(error: unknown): unknown {
    if (error instanceof BrokerUnavailableError) return error;
    const message = errorMessage(error);
    const away = !this.connection || /ECONNREFUSED|ECONNRESET|EPIPE|closed|timed out|Connection|Socket/i.test(message);
    return away ? new BrokerUnavailableError('rabbitmq', message, { cause: error }) : error;
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close().catch(() => undefined);
  }

  /**
   * The connection, opened if need be.
   * @throws BrokerUnavailableError when RabbitMQ cannot be reached.
   */
  async get(): Promise<ChannelModel> {
    if (this.closed) throw new BrokerUnavailableError('rabbitmq', 'the connection was closed (shutting down)');
    if (this.connection) return this.connection;
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<ChannelModel> {
    let connection: ChannelModel;
    try {
      connection = await connect(this.options.url, {
        timeout: this.options.confirmTimeoutMs,
        clientProperties: { connection_name: this.options.name },
      });
    } catch (error) {
      this.lastError = errorMessage(error);
      throw new BrokerUnavailableError('rabbitmq', `cannot connect to ${this.state.target} (${this.lastError})`, {
        cause: error,
      });
    }
    if (this.closed) {
      await connection.close().catch(() => undefined);
      throw new BrokerUnavailableError('rabbitmq', 'the connection was closed (shutting down)');
    }
    connection.on('error', (error: Error) => (this.lastError = errorMessage(error)));
    connection.on('close', () => {
      if (this.connection !== connection) return;
      this.connection = undefined;
      this.lastError ??= `connection to ${this.state.target} closed`;
      if (!this.closed) this.logger.warn(`RabbitMQ connection lost (${this.lastError}); reconnecting on next use`);
      for (const listener of this.lossListeners) listener();
    });
    this.connection = connection;
    this.lastError = undefined;
    this.logger.log(`Connected to RabbitMQ at ${this.state.target}`);
    return connection;
  }
}
