import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseConnection } from '../database/database-connection';
import { ConfigurationError } from '../errors/configuration-error';
import { EventTypeRegistry } from '../events/event-type-registry';
import { MessageContext } from '../events/message-context';
import { RESOLVED_OPTIONS, type ResolvedOptions } from '../options/event-sourcing-options';
import { SubscriberRegistry } from '../subscriptions/subscriber-registry';
import type { BrokerPublisher, BrokerState } from './broker-client';
import type { BrokerName, EventPublisherOptions, EventSourcingBrokersOptions } from './brokers-options';
import { publisherDefinition } from './event-publisher';
import { Inbox } from './inbox';
import { EventStore } from '../store/event-store';
import { InboxStore } from './inbox-store';
import type { InboundConsumer } from './inbound-consumer';
import { InboundHandler } from './inbound-handler';
import { getIntegrationHandlers } from './integration-event-handler.decorator';
import { BROKERS_OPTIONS } from './module-definition';
import { JetStreamConsumer } from './nats/jetstream-consumer';
import { JetStreamPublisher } from './nats/jetstream-publisher';
import { NatsConnector } from './nats/nats-connector';
import { AmqpConnector } from './rabbitmq/amqp-connector';
import { AmqpConsumer } from './rabbitmq/amqp-consumer';
import { AmqpPublisher } from './rabbitmq/amqp-publisher';

/**
 * The broker connections of the application, its publishers (handed to the
 * subscriptions as durable subscribers at module init) and its inbound consumers
 * (started at bootstrap, stopped at shutdown). @internal
 */
@Injectable()
export class Brokers implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Brokers');
  readonly nats: NatsConnector | undefined;
  readonly rabbitmq: AmqpConnector | undefined;
  private readonly consumers: InboundConsumer[] = [];
  /** The publishers' subscriber names. */
  readonly publishers: string[] = [];

  constructor(
    @Inject(BROKERS_OPTIONS) private readonly options: EventSourcingBrokersOptions,
    @Inject(RESOLVED_OPTIONS) private readonly core: ResolvedOptions,
    private readonly subscribers: SubscriberRegistry,
    private readonly registry: EventTypeRegistry,
    private readonly discovery: DiscoveryService,
    private readonly context: MessageContext,
    private readonly database: DatabaseConnection,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {
    const { nats, rabbitmq } = options;
    const name = core.applicationName;
    if (nats) {
      const servers = (Array.isArray(nats.servers) ? nats.servers : nats.servers.split(',')).map((s) => s.trim());
      this.nats = new NatsConnector(
        { servers, name: nats.name ?? name, ackTimeoutMs: nats.ackTimeoutMs ?? 5_000 },
        this.logger,
      );
    }
    if (rabbitmq) {
      this.rabbitmq = new AmqpConnector(
        { url: rabbitmq.url, name, confirmTimeoutMs: rabbitmq.confirmTimeoutMs ?? 5_000 },
        this.logger,
      );
    }
  }

  onModuleInit(): void {
    for (const publisher of this.options.publishers ?? []) {
      this.subscribers.add(publisherDefinition(publisher, this.publisherFor(publisher), this.registry));
      this.publishers.push(publisher.name);
    }
    const inbox = new InboxStore(this.dataSource, this.core.schema);
    // A parked message may quote personal data: a forgotten subject's is erased with it.
    if (this.database.kind !== 'memory')
      this.store.erasers.add(({ values, manager }) => inbox.eraseContaining(values, manager));
    const handlers = new Map<string, InboundHandler>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as object | undefined;
      if (!wrapper.metatype || !instance || wrapper.isNotMetatype) continue;
      for (const declared of getIntegrationHandlers(wrapper.metatype)) {
        const metadata = { ...declared, ...this.options.handlers?.[declared.name] };
        const owner = `${wrapper.metatype.name}.${String(metadata.method)}`;
        if (handlers.has(metadata.name) || this.subscribers.get(metadata.name)) {
          throw new ConfigurationError(`${owner}: the consumer name "${metadata.name}" is taken; give each its own.`);
        }
        if (!(metadata.broker === 'nats' ? this.nats : this.rabbitmq)) {
          this.logger.warn(`${owner} does not consume: no ${metadata.broker} connection is configured`);
          continue;
        }
        if (this.database.kind === 'memory') {
          throw new ConfigurationError(
            `${owner}: inbound handlers keep their inbox in PostgreSQL, not database: 'memory'.`,
          );
        }
        const deps = { dataSource: this.dataSource, inbox, context: this.context, logger: this.logger };
        handlers.set(metadata.name, new InboundHandler(metadata, instance, deps));
      }
    }
    for (const handler of handlers.values()) {
      this.consumers.push(
        handler.metadata.broker === 'nats'
          ? new JetStreamConsumer(handler, this.nats!, this.logger)
          : new AmqpConsumer(handler, this.rabbitmq!, this.logger),
      );
    }
    if (handlers.size > 0) this.subscribers.addParkedSource(new Inbox(inbox, handlers));
  }

  onApplicationBootstrap(): void {
    // Connected in the background: the app starts (and serves) while a broker is away.
    void this.nats?.get().catch(() => undefined);
    void this.rabbitmq?.get().catch(() => undefined);
    if (this.options.consume === false) return;
    for (const consumer of this.consumers) consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await Promise.all([this.nats?.close(), this.rabbitmq?.close()]);
  }

  /** Where each configured broker connection stands. */
  states(): BrokerState[] {
    return [this.nats?.state, this.rabbitmq?.state].filter((s): s is BrokerState => s !== undefined);
  }

  /** The inbound consumers' names and last errors. */
  consumerStates(): { name: string; broker: BrokerName; lastError?: string }[] {
    return this.consumers.map((c) => ({
      name: c.handler.name,
      broker: c.handler.metadata.broker,
      ...(c.lastError ? { lastError: c.lastError } : {}),
    }));
  }

  private publisherFor(options: EventPublisherOptions): BrokerPublisher {
    const owner = `Publisher "${options.name}"`;
    const prefix = options.prefix ?? 'events';
    if (options.broker === 'nats') {
      return new JetStreamPublisher(this.connector('nats', owner) as NatsConnector, options.stream!, prefix);
    }
    return new AmqpPublisher(this.connector('rabbitmq', owner) as AmqpConnector, options.exchange ?? prefix);
  }

  private connector(broker: BrokerName, owner: string): NatsConnector | AmqpConnector {
    const connector = broker === 'nats' ? this.nats : this.rabbitmq;
    if (!connector) {
      throw new ConfigurationError(
        `${owner} uses ${broker}, but EventSourcingBrokersModule has no ${broker} option: give its URL.`,
      );
    }
    return connector;
  }
}
