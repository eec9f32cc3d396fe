import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ConfigurationError } from '../errors/configuration-error';
import { EventTypeRegistry } from '../events/event-type-registry';
import { MessageContext } from '../events/message-context';
import { getDurableEventHandlerMetadata } from './durable-event-handler.decorator';
import { onMethodsDispatcher } from './on-dispatcher';
import type { ParkedSource } from './parked-source';
import type { SubscriberDefinition } from './subscriber-definition';
import { traceDeliveries } from './trace-deliveries';

/**
 * Every durable subscriber of the application: the `@DurableEventHandler` providers,
 * found at module init, and those the other parts of the library add (projections,
 * sagas). Inline projections are kept apart: they run in appends, not on
 * a checkpoint. @internal
 */
@Injectable()
export class SubscriberRegistry implements OnModuleInit {
  private readonly subscribers = new Map<string, SubscriberDefinition>();
  private readonly inline: SubscriberDefinition[] = [];
  private readonly parkedSources: ParkedSource[] = [];
  /** Where each provider class stands among the application's providers: the order of `all()`. */
  private readonly rank = new Map<string, number>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registry: EventTypeRegistry,
    private readonly context: MessageContext,
  ) {}

  onModuleInit(): void {
    for (const [index, wrapper] of this.discovery.getProviders().entries()) {
      if (wrapper.metatype && !this.rank.has(wrapper.metatype.name)) this.rank.set(wrapper.metatype.name, index);
      const instance = wrapper.instance as object | undefined;
      if (!wrapper.metatype || !instance || wrapper.isNotMetatype) continue;
      const handler = getDurableEventHandlerMetadata(wrapper.metatype);
      if (handler) {
        this.add({
          name: handler.name,
          kind: 'handler',
          owner: wrapper.metatype.name,
          options: handler.options,
          transactional: false,
          rebuildable: false,
          ...this.inTenants(
            onMethodsDispatcher(instance, wrapper.metatype.name, this.registry, (context) => ({
              attempt: context.attempt,
            })),
          ),
        });
      }
    }
  }

  /**
   * Adds a subscriber.
   * @throws ConfigurationError when another subscriber has its name.
   */
  add(definition: SubscriberDefinition): void {
    const known = this.subscribers.get(definition.name) ?? this.inline.find((d) => d.name === definition.name);
    if (known) {
      throw new ConfigurationError(
        `Subscriber name "${definition.name}" is used by ${known.owner} and ${definition.owner}; each needs its own (it keys the checkpoint).`,
      );
    }
    if (definition.kind === 'projection' && !definition.transactional) {
      throw new ConfigurationError(`Projection ${definition.owner} must be transactional.`);
    }
    this.subscribers.set(definition.name, traceDeliveries(definition));
  }

  /**
   * Sets the partitions of subscribers by name, over their decorators' (the module's
   * `subscriptions.partitions`).
   * @throws ConfigurationError for a name no subscriber has, or a saga's.
   */
  overridePartitions(counts: Readonly<Record<string, number>>): void {
    for (const [name, partitions] of Object.entries(counts)) {
      const definition = this.subscribers.get(name);
      if (!definition) {
        throw new ConfigurationError(
          `subscriptions.partitions names "${name}", which no subscriber has; known: ${[...this.subscribers.keys()].join(', ') || 'none'}.`,
        );
      }
      if (definition.kind === 'saga') {
        throw new ConfigurationError(`subscriptions.partitions: "${name}" is a saga; sagas are not partitioned.`);
      }
      const changed = Object.create(definition) as SubscriberDefinition;
      Object.defineProperty(changed, 'options', { value: { ...definition.options, partitions }, enumerable: true });
      this.subscribers.set(name, changed);
    }
  }

  /** The checkpointed subscribers, in the order of the providers that declared them. */
  all(): SubscriberDefinition[] {
    const rank = (d: SubscriberDefinition): number => this.rank.get(d.owner) ?? Number.MAX_SAFE_INTEGER;
    return [...this.subscribers.values()].sort((a, b) => rank(a) - rank(b));
  }

  /** A checkpointed subscriber by name. */
  get(name: string): SubscriberDefinition | undefined {
    return this.subscribers.get(name);
  }

  /** Adds the parked records of consumers that are not checkpointed subscribers (inbound messages). */
  addParkedSource(source: ParkedSource): void {
    this.parkedSources.push(source);
  }

  /** The parked sources: all of them, or the one answering for a consumer name. */
  parkedSourcesFor(name?: string): ParkedSource[] {
    return name === undefined ? this.parkedSources : this.parkedSources.filter((s) => s.names().includes(name));
  }

  /** The inline projections. */
  inlineProjections(): readonly SubscriberDefinition[] {
    return this.inline;
  }

  /**
   * Adds an inline projection: it runs in appends, not on a checkpoint.
   * @throws ConfigurationError when another subscriber has its name.
   */
  addInline(definition: SubscriberDefinition): void {
    const known = this.subscribers.get(definition.name) ?? this.inline.find((d) => d.name === definition.name);
    if (known)
      throw new ConfigurationError(`Projection name "${definition.name}" is used twice (${definition.owner}).`);
    this.inline.push(traceDeliveries(definition));
  }

  /** Each event handled in its tenant's context (docs/tenancy.md), when it has one. */
  private inTenants<D extends Pick<SubscriberDefinition, 'handle'>>(dispatcher: D): D {
    const { handle } = dispatcher;
    return {
      ...dispatcher,
      handle: (envelope, context) => this.context.runInTenantOf(envelope.metadata, () => handle(envelope, context)),
    };
  }
}
