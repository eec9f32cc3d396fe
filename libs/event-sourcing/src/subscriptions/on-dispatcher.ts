import { ConfigurationError } from '../errors/configuration-error';
import { requireDomainEventMetadata } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import type { EventTypeRegistry } from '../events/event-type-registry';
import { getOnHandlers } from './on.decorator';
import type { DeliveryContext, SubscriberDefinition } from './subscriber-definition';

type HandlerMethod = (envelope: EventEnvelope, context: unknown) => unknown;

/**
 * The `@On` methods of a subscriber instance as one `handle`, and the types they cover:
 * each stored envelope reaches its method with its data upcast to an instance of its
 * class, and the context `contextFor` makes of the delivery's.
 * @throws ConfigurationError for an `@On` on something that is not a method, or a class with none.
 * @internal
 */
export function onMethodsDispatcher(
  instance: object,
  owner: string,
  registry: EventTypeRegistry,
  contextFor: (context: DeliveryContext) => unknown,
): Pick<SubscriberDefinition, 'types' | 'handle'> {
  const byType = new Map<string, HandlerMethod>();
  for (const [eventClass, method] of getOnHandlers(Object.getPrototypeOf(instance) as object)) {
    const { type } = requireDomainEventMetadata(eventClass, owner);
    const fn = (instance as Record<string | symbol, unknown>)[method];
    if (typeof fn !== 'function') {
      throw new ConfigurationError(`${owner}.${String(method)} is decorated with @On but is not a method.`);
    }
    registry.register(eventClass, owner);
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
      const data = registry.toInstance(envelope, 'throw');
      await method.call(instance, { ...envelope, data }, contextFor(context));
    },
  };
}
