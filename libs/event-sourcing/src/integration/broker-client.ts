import type { OutboundMessage } from './outbound-message';

/** Where a broker connection stands, as health and status show it. */
export interface BrokerState {
  broker: 'nats' | 'rabbitmq';
  /** Where it connects to, without credentials. */
  target: string;
  connected: boolean;
  /** The last connection error, while it is not connected. */
  lastError?: string;
}

/**
 * Sends pages of messages to one destination (a JetStream stream, a RabbitMQ exchange)
 * and resolves once the broker acknowledged every one. @internal
 */
export interface BrokerPublisher {
  /**
   * @throws BrokerUnavailableError when the broker is away or does not answer in time;
   *   any other error when it refused a message (the page is then tried event by event).
   */
  publish(messages: OutboundMessage[]): Promise<void>;
}

/** A connection to one broker, opened on first use and again after it is lost. @internal */
export interface BrokerConnector {
  readonly state: BrokerState;
  close(): Promise<void>;
}

/** Removes the credentials of a URL, for logs and health. @internal */
export function withoutCredentials(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}
