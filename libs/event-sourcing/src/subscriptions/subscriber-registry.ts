import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import { ConfigurationError } from '../errors/configuration-error';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import { requireDomainEventMetadata } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import { EventTypeRegistry } from '../events/event-type-registry';
import { absentManager } from '../projections/absent-manager';
import {
  getProjectionMetadata,
  type ProjectionMetadata,
  type ProjectionReset,
} from '../projections/projection.decorator';
import { getDurableEventHandlerMetadata } from './durable-event-handler.decorator';
import { getOnHandlers } from './on.decorator';
import type { DeliveryContext, SubscriberDefinition } from './subscriber-definition';

type HandlerMethod = (envelope: EventEnvelope, context: unknown) => unknown;

/**
 * Every durable subscriber of the application, found at bootstrap among the providers:
 * `@Projection` and `@DurableEventHandler` classes, and those other parts of the
 * library (sagas) add. Inline projections are kept apart: they run in appends, not on
 * a checkpoint. @internal
 */
@Injectable()
export class SubscriberRegistry implements OnModuleInit {
  private readonly subscribers = new Map<string, SubscriberDefinition>();
  private readonly inline: SubscriberDefinition[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registry: EventTypeRegistry,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as object | undefined;
      if (!wrapper.metatype || !instance || wrapper.isNotMetatype) continue;
      const projection = getProjectionMetadata(wrapper.metatype);
      const handler = getDurableEventHandlerMetadata(wrapper.metatype);
      if (projection && handler) {
        throw new ConfigurationError(`${wrapper.metatype.name} is both a @Projection and a @DurableEventHandler.`);
      }
      if (projection) this.addProjection(instance, projection);
      if (handler) {
        this.add({
          name: handler.name,
          kind: 'handler',
          owner: wrapper.metatype.name,
          options: handler.options,
          transactional: false,
          rebuildable: false,
          ...this.dispatcher(instance, wrapper.metatype.name, (context) => ({ attempt: context.attempt })),
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
    this.subscribers.set(definition.name, definition);
  }

  /** The checkpointed subscribers. */
  all(): SubscriberDefinition[] {
    return [...this.subscribers.values()];
  }

  /** A checkpointed subscriber by name. */
  get(name: string): SubscriberDefinition | undefined {
    return this.subscribers.get(name);
  }

  /** The inline projections. */
  inlineProjections(): readonly SubscriberDefinition[] {
    return this.inline;
  }

  private addProjection(instance: object, metadata: ProjectionMetadata): void {
    const owner = instance.constructor.name;
    const custom = (instance as Partial<ProjectionReset>).reset;
    const definition: SubscriberDefinition = {
      name: metadata.name,
      kind: 'projection',
      owner,
      options: metadata.options,
      transactional: true,
      rebuildable: metadata.mode === 'async',
      keepsReadModels: metadata.readModels.length > 0,
      ...this.dispatcher(instance, owner, (context) => ({
        manager: context.manager ?? absentManager(owner),
        replaying: context.replaying,
      })),
      reset: async (manager: EntityManager | undefined) => {
        if (!manager && metadata.readModels.length > 0) {
          throw new UnsupportedOperationError(
            `${owner} keeps TypeORM read models; rebuilding it needs PostgreSQL, not database: 'memory'.`,
          );
        }
        for (const entity of metadata.readModels) await manager!.createQueryBuilder().delete().from(entity).execute();
        // Under database: 'memory' there is no manager: a provider's own reset clears its state.
        if (typeof custom === 'function') await custom.call(instance, manager ?? absentManager(owner));
      },
    };
    if (metadata.mode === 'async') {
      this.add(definition);
      return;
    }
    if (this.inline.some((d) => d.name === definition.name) || this.subscribers.has(definition.name)) {
      throw new ConfigurationError(`Projection name "${definition.name}" is used twice (${owner}).`);
    }
    this.inline.push(definition);
  }

  /** The `@On` methods of an instance as one `handle`, and the types they cover. */
  private dispatcher(
    instance: object,
    owner: string,
    contextFor: (context: DeliveryContext) => unknown,
  ): Pick<SubscriberDefinition, 'types' | 'handle'> {
    const byType = new Map<string, HandlerMethod>();
    for (const [eventClass, method] of getOnHandlers(Object.getPrototypeOf(instance) as object)) {
      const { type } = requireDomainEventMetadata(eventClass, owner);
      const fn = (instance as Record<string | symbol, unknown>)[method];
      if (typeof fn !== 'function') {
        throw new ConfigurationError(`${owner}.${String(method)} is decorated with @On but is not a method.`);
      }
      this.registry.register(eventClass, owner);
      byType.set(type, fn as HandlerMethod);
    }
    if (byType.size === 0) {
      throw new ConfigurationError(`${owner} handles no event: give it at least one @On(EventClass) method.`);
    }
    return {
      types: [...byType.keys()],
      handle: async (envelope, context) => {
        const method = byType.get(envelope.type);
        if (!method) return;
        const data = this.registry.toInstance(envelope, 'throw');
        await method.call(instance, { ...envelope, data }, contextFor(context));
      },
    };
  }
}
