import type { DynamicModule, FactoryProvider, Provider, Type } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { AggregateRepository } from './aggregates/aggregate-repository';
import type { AggregateClass } from './aggregates/aggregate-repository-types';
import { getAggregateRepositoryToken } from './aggregates/inject-aggregate-repository.decorator';
import { ConfigurationError } from './errors/configuration-error';
import type { DomainEventClass } from './events/domain-event.decorator';
import { EventTypeRegistry } from './events/event-type-registry';
import { MessageContext } from './events/message-context';
import { getUpcasterMetadata, type EventUpcaster, type UpcasterDefinition } from './events/upcaster.decorator';
import { CommandTries } from './commands/command-tries';
import { RESOLVED_OPTIONS, type ResolvedOptions } from './options/event-sourcing-options';
import { EventStore } from './store/event-store';
import { getProjectionMetadata } from './projections/projection.decorator';
import { getDurableEventHandlerMetadata } from './subscriptions/durable-event-handler.decorator';
import { getDurableSagaMetadata } from './sagas/durable-saga.decorator';
import { SnapshotStore } from './store/snapshot-store';

/** What a feature module of the application brings to the event-sourcing module. */
export interface EventSourcingFeature {
  /** `@Aggregate` classes; each gets an injectable `AggregateRepository`. */
  aggregates?: AggregateClass[];
  /** `@DomainEvent` classes no aggregate applies that must still be readable. */
  events?: DomainEventClass[];
  /** `@Upcaster` classes (providers, so they may inject) or plain upcaster objects. */
  upcasters?: (Type<EventUpcaster> | UpcasterDefinition)[];
  /**
   * `@Projection` classes, registered as providers of the `forFeature` module: they may
   * inject global providers and those of `imports`. A subscriber that injects your own
   * module's providers goes in that module's `providers` instead: it is found there too.
   */
  projections?: Type[];
  /** `@DurableEventHandler` classes, registered as providers like `projections`. */
  eventHandlers?: Type[];
  /** `@DurableSaga` classes, registered as providers like `projections`. */
  sagas?: Type[];
  /** Modules whose exported providers the classes above inject. */
  imports?: NonNullable<DynamicModule['imports']>;
}

let featureCount = 0;

/**
 * The providers of one `forFeature` call: a repository per aggregate, and a provider
 * that registers the feature's events and upcasters at bootstrap. @internal
 */
export function featureModule(module: Type, feature: EventSourcingFeature): DynamicModule {
  const aggregates = feature.aggregates ?? [];
  const upcasterClasses = (feature.upcasters ?? []).filter((u): u is Type<EventUpcaster> => typeof u === 'function');
  const upcasterObjects = (feature.upcasters ?? []).filter((u): u is UpcasterDefinition => typeof u !== 'function');
  const repositories = aggregates.map((aggregateClass): FactoryProvider => ({
    provide: getAggregateRepositoryToken(aggregateClass),
    inject: [
      EventStore,
      SnapshotStore,
      EventTypeRegistry,
      MessageContext,
      CommandTries,
      RESOLVED_OPTIONS,
      { token: EventBus, optional: true },
    ],
    useFactory: (
      store: EventStore,
      snapshots: SnapshotStore,
      registry: EventTypeRegistry,
      context: MessageContext,
      tries: CommandTries,
      { unknownEvents, warmAggregates }: ResolvedOptions,
      eventBus: EventBus | undefined,
    ) => {
      return new AggregateRepository(aggregateClass, {
        store,
        snapshots,
        registry,
        context,
        tries,
        eventBus,
        unknownEvents,
        warmAggregates,
      });
    },
  }));
  const featureId = ++featureCount;
  const registration: FactoryProvider = {
    provide: Symbol(`EventSourcingFeature#${featureId}`),
    inject: [EventTypeRegistry, ...upcasterClasses],
    useFactory: (registry: EventTypeRegistry, ...instances: EventUpcaster[]) => {
      for (const eventClass of feature.events ?? []) registry.register(eventClass, 'forFeature({ events })');
      upcasterClasses.forEach((cls, index) => {
        const target = getUpcasterMetadata(cls);
        if (!target)
          throw new ConfigurationError(
            `${cls.name} is listed as an upcaster but has no @Upcaster({ type, fromRevision }).`,
          );
        const instance = instances[index]!;
        registry.registerUpcaster({ ...target, upcast: (data, envelope) => instance.upcast(data, envelope) }, cls.name);
      });
      upcasterObjects.forEach((upcaster, index) =>
        registry.registerUpcaster(
          upcaster,
          `upcasters[${index}] of forFeature #${featureId} ("${upcaster.type}" from ${upcaster.fromRevision})`,
        ),
      );
      return true;
    },
  };
  const subscribers = [...(feature.projections ?? []), ...(feature.eventHandlers ?? []), ...(feature.sagas ?? [])];
  for (const subscriber of subscribers) {
    const declared =
      getProjectionMetadata(subscriber) ??
      getDurableEventHandlerMetadata(subscriber) ??
      getDurableSagaMetadata(subscriber);
    if (!declared) {
      throw new ConfigurationError(
        `${subscriber.name} is listed in forFeature but has no @Projection, @DurableEventHandler or @DurableSaga.`,
      );
    }
  }
  const providers: Provider[] = [...upcasterClasses, ...repositories, ...subscribers, registration];
  return { module, imports: feature.imports ?? [], providers, exports: repositories.map((r) => r.provide) };
}
