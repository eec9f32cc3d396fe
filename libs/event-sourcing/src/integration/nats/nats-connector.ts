import type { Logger } from '@nestjs/common';
import {
  ClosedConnectionError,
  ConnectionError,
  connect,
  DrainingConnectionError,
  NoRespondersError,
  RequestError,
  TimeoutError,
  type NatsConnection,
} from '@nats-io/transport-node';
import { BrokerUnavailableError } from '../../errors/broker-unavailable-error';
import { errorMessage } from '../../errors/error-message';
import type { BrokerConnector, BrokerState } from '../broker-client';
import { withoutCredentials } from '../broker-client';

/** The NATS options with defaults filled in. @internal */
export interface ResolvedNatsOptions {
  servers: string[];
  name: string;
  ackTimeoutMs: number;
}

/**
 * The one NATS connection of the process: opened on first use (so the app starts while
 * NATS is away), kept up by the client's own reconnects, and opened anew when it closed.
 * @internal
 */
export class NatsConnector implements BrokerConnector {
  private connection: NatsConnection | undefined;
  private connecting: Promise<NatsConnection> | undefined;
  private disconnected = false;
  private closed = false;
  private lastError: string | undefined;

  constructor(
    readonly options: ResolvedNatsOptions,
    private readonly logger: Logger,
  ) {}

  get state(): BrokerState {
    const connected = this.connection !== undefined && !this.disconnected;
    return {
      broker: 'nats',
      target: this.options.servers.map(withoutCredentials).join(','),
      connected,
      ...(!connected && this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /**
   * The connection, opened if need be.
   * @throws BrokerUnavailableError when NATS cannot be reached.
   */
  async get(): Promise<NatsConnection> {
    if (this.closed) throw new BrokerUnavailableError('nats', 'the connection was closed (shutting down)');
    if (this.connection && !this.connection.isClosed()) return this.connection;
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Fails with {@link BrokerUnavailableError} for an error that means NATS is away; returns the others. */
  outage(error: unknown): unknown {
    if (error instanceof BrokerUnavailableError) return error;
    const away =
      error instanceof TimeoutError ||
      error instanceof ConnectionError ||
      error instanceof ClosedConnectionError ||
      error instanceof DrainingConnectionError ||
      error instanceof NoRespondersError ||
      error instanceof RequestError ||
      (error instanceof Error && error.name === 'JetStreamNotEnabled') ||
      this.disconnected;
    return away ? new BrokerUnavailableError('nats', errorMessage(error), { cause: error }) : error;
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = undefined;
    await connection?.drain().catch(() => connection.close());
  }

  private async open(): Promise<NatsConnection> {
    const { servers, name, ackTimeoutMs } = this.options;
    let connection: NatsConnection;
    try {
      connection = await connect({
        servers,
        name,
        timeout: ackTimeoutMs,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
      });
    } catch (error) {
      this.lastError = errorMessage(error);
      throw new BrokerUnavailableError('nats', `cannot connect to ${this.state.target} (${this.lastError})`, {
        cause: error,
      });
    }
    if (this.closed) {
      await connection.close();
      throw new BrokerUnavailableError('nats', 'the connection was closed (shutting down)');
    }
    this.logger.log(`Connected to NATS at ${this.state.target}`);
    this.connection = connection;
    this.disconnected = false;
    this.lastError = undefined;
    void this.watch(connection);
    return connection;
  }

  /** Follows the client's reconnects, for the state; forgets a connection that closed. */
  private async watch(connection: NatsConnection): Promise<void> {
    void connection.closed().then((error) => {
      if (this.connection !== connection) return;
      this.connection = undefined;
      if (error) this.lastError = errorMessage(error);
    });
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        this.disconnected = true;
        this.lastError = `disconnected from ${this.state.target}`;
        this.logger.warn(`NATS connection lost; reconnecting`);
      } else if (status.type === 'reconnect') {
        this.disconnected = false;
        this.lastError = undefined;
        this.logger.log('NATS connection restored');
      }
    }
  }
}
