import { ConfigurationError } from '../errors/configuration-error';
import { requireDomainEventMetadata } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import type { EventTypeRegistry } from '../events/event-type-registry';
import { getOnHandlers, getOnPatterns } from './on.decorator';
import { longestPrefix } from './type-pattern';
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
    registry.register(eventClass, owner);
    byType.set(type, methodOf(instance, owner, method));
  }
  const byPrefix = new Map<string, HandlerMethod>();
  for (const [prefix, method] of getOnPatterns(Object.getPrototypeOf(instance) as object)) {
    byPrefix.set(prefix, methodOf(instance, owner, method));
  }
  if (byType.size === 0 && byPrefix.size === 0) {
    throw new ConfigurationError(`${owner} handles no event: give it at least one @On(EventClass) method.`);
  }
  return {
    // A pattern takes types no class names: it reads every type.
    types: byPrefix.size > 0 ? [] : [...byType.keys()],
    handle: async (envelope, context) => {
      const exact = byType.get(envelope.type);
      const prefix = exact ? undefined : longestPrefix(byPrefix.keys(), envelope.type);
      const method = exact ?? (prefix === undefined ? undefined : byPrefix.get(prefix));
      if (!method) return;
      // Upcast when the type has a class here; under a pattern, an unknown type keeps its stored data.
      const data = exact || registry.classOf(envelope.type) ? registry.toInstance(envelope, 'throw') : envelope.data;
      await method.call(instance, { ...envelope, data }, contextFor(context));
    },
  };
}

function methodOf(instance: object, owner: string, method: string | symbol): HandlerMethod {
  const fn = (instance as Record<string | symbol, unknown>)[method];
  if (typeof fn !== 'function') {
    throw new ConfigurationError(`${owner}.${String(method)} is decorated with @On but is not a method.`);
  }
  return fn as HandlerMethod;
}
