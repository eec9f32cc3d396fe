import type { DomainEventClass } from './domain-event.decorator';

/** Event class → name of the method that takes it, for one class. */
export type EventMethodMap = ReadonlyMap<DomainEventClass, string | symbol>;

/**
 * A method decorator that maps an event class to the decorated method, under its own
 * metadata key, and its reader (inherited mappings included). `@Apply` and `@On` are
 * two of them. @internal
 */
export function eventMethodMap(key: symbol): {
  decorator: (eventClass: DomainEventClass) => MethodDecorator;
  read: (prototype: object) => EventMethodMap;
} {
  const read = (prototype: object): EventMethodMap =>
    (Reflect.getMetadata(key, prototype) as EventMethodMap | undefined) ?? new Map();
  const decorator =
    (eventClass: DomainEventClass): MethodDecorator =>
    (target, propertyKey) => {
      const own = Reflect.getOwnMetadata(key, target) as Map<DomainEventClass, string | symbol> | undefined;
      const methods = own ?? new Map(read(target));
      methods.set(eventClass, propertyKey);
      Reflect.defineMetadata(key, methods, target);
    };
  return { decorator, read };
}
