import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import { ConfigurationError } from '../errors/configuration-error';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import { EventTypeRegistry } from '../events/event-type-registry';
import { getDurableEventHandlerMetadata } from '../subscriptions/durable-event-handler.decorator';
import { onMethodsDispatcher } from '../subscriptions/on-dispatcher';
import type { DeliveryContext, SubscriberDefinition } from '../subscriptions/subscriber-definition';
import { getOnHandlers, getOnPatterns } from '../subscriptions/on.decorator';
import { requireDomainEventMetadata } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import { getPageHandler } from './on-page.decorator';
import type { ProjectionContext } from './projection-context';

type PageMethod = (events: EventEnvelope[], context: ProjectionContext) => unknown;
import { SubscriberRegistry } from '../subscriptions/subscriber-registry';
import { absentManager } from './absent-manager';
import {
  getProjectionMetadata,
  type ProjectionMetadata,
  type ProjectionReset,
  type ProjectionTenantReset,
} from './projection.decorator';

/**
 * Finds the `@Projection` providers at module init and hands each to the
 * `SubscriberRegistry`: an async one as a checkpointed subscriber, an inline one to run
 * in appends. Handlers get a `ProjectionContext` with the delivery's manager. @internal
 */
@Injectable()
export class ProjectionDiscovery implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly subscribers: SubscriberRegistry,
    private readonly registry: EventTypeRegistry,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as object | undefined;
      if (!wrapper.metatype || !instance || wrapper.isNotMetatype) continue;
      const projection = getProjectionMetadata(wrapper.metatype);
      if (!projection) continue;
      if (getDurableEventHandlerMetadata(wrapper.metatype)) {
        throw new ConfigurationError(`${wrapper.metatype.name} is both a @Projection and a @DurableEventHandler.`);
      }
      const definition = this.definition(instance, projection);
      if (projection.mode === 'async') this.subscribers.add(definition);
      else this.subscribers.addInline(definition);
    }
  }

  /** Its `@OnPage` method as `handle` and `handlePage`, or its `@On` methods as `handle`. */
  private dispatcher(instance: object, owner: string): Pick<SubscriberDefinition, 'types' | 'handle' | 'handlePage'> {
    const contextFor = (context: DeliveryContext): ProjectionContext => ({
      manager: context.manager ?? absentManager(owner),
      replaying: context.replaying,
    });
    const prototype = Object.getPrototypeOf(instance) as object;
    const page = getPageHandler(prototype);
    if (!page) return onMethodsDispatcher(instance, owner, this.registry, contextFor);
    if (getOnHandlers(prototype).size > 0 || getOnPatterns(prototype).size > 0) {
      throw new ConfigurationError(`${owner} has both @OnPage and @On methods: take every event in the @OnPage one.`);
    }
    const method = (instance as Record<string | symbol, unknown>)[page.method] as PageMethod;
    const types = page.eventClasses.map((eventClass) => {
      this.registry.register(eventClass, owner);
      return requireDomainEventMetadata(eventClass, owner).type;
    });
    const handlePage = async (envelopes: EventEnvelope[], context: DeliveryContext): Promise<void> => {
      const events = envelopes.map((envelope) => ({ ...envelope, data: this.registry.toInstance(envelope, 'throw') }));
      await method.call(instance, events, contextFor(context));
    };
    return { types, handlePage, handle: (envelope, context) => handlePage([envelope], context) };
  }

  private definition(instance: object, metadata: ProjectionMetadata): SubscriberDefinition {
    const owner = instance.constructor.name;
    const custom = (instance as Partial<ProjectionReset>).reset;
    const tenantReset = (instance as Partial<ProjectionTenantReset>).resetTenant;
    return {
      name: metadata.name,
      kind: 'projection',
      owner,
      options: metadata.options,
      transactional: true,
      rebuildable: metadata.mode === 'async',
      keepsReadModels: metadata.readModels.length > 0,
      ...this.dispatcher(instance, owner),
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
      ...(typeof tenantReset === 'function' && {
        resetTenant: (tenantId: string, manager: EntityManager | undefined) =>
          tenantReset.call(instance, tenantId, manager ?? absentManager(owner)),
      }),
    };
  }
}
