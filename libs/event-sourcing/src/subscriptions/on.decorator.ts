import type { DomainEventClass } from '../events/domain-event.decorator';
import { eventMethodMap, type EventMethodMap } from '../events/event-method-map';
import { patternPrefix, type TypePattern } from './type-pattern';

const onHandlers = eventMethodMap(Symbol('event-sourcing:on-handlers'));
const ON_PATTERNS = Symbol('event-sourcing:on-patterns');

/** Event class → name of the method that handles it, for one subscriber class. */
export type OnHandlers = EventMethodMap;

/** Type prefix (`''` for `'*'`) → name of the method that handles those types. */
export type OnPatterns = ReadonlyMap<string, string | symbol>;

/**
 * Marks the method of a `@Projection` or `@DurableEventHandler` class that handles one
 * event class, or every stored type a pattern matches (`'*'`, or a prefix such as
 * `'bank.*'`). The method receives the stored envelope, whose `data` is an instance of
 * the class at its current revision (upcast, `Date`s restored); under a pattern, an
 * event whose type has no class here comes with its data as stored. An event goes to
 * the method of its class if there is one, else to the longest matching pattern's.
 * A subscriber with a pattern reads every type from the store (and its `lag` counts
 * them all).
 * @throws ConfigurationError for a string that is no pattern, naming the class.
 * @example
 * @On(MoneyDeposited)
 * async deposited({ data }: EventEnvelope<MoneyDeposited>, { manager }: ProjectionContext) {
 *   await manager.increment(AccountView, { id: data.accountId }, 'balance', data.amount);
 * }
 * @On('bank.*')
 * async audit(envelope: EventEnvelope) { await this.audit.record(envelope.type, envelope.eventId); }
 */
export function On(eventClass: DomainEventClass | TypePattern): MethodDecorator {
  if (typeof eventClass !== 'string') return onHandlers.decorator(eventClass);
  return (target, propertyKey) => {
    const prefix = patternPrefix(`@On on ${target.constructor.name}.${String(propertyKey)}`, eventClass);
    const own = Reflect.getOwnMetadata(ON_PATTERNS, target) as Map<string, string | symbol> | undefined;
    const patterns = own ?? new Map(getOnPatterns(target));
    patterns.set(prefix, propertyKey);
    Reflect.defineMetadata(ON_PATTERNS, patterns, target);
  };
}

/** The `@On` handlers of a prototype, inherited ones included. */
export function getOnHandlers(prototype: object): OnHandlers {
  return onHandlers.read(prototype);
}

/** The `@On(pattern)` handlers of a prototype, by type prefix, inherited ones included. */
export function getOnPatterns(prototype: object): OnPatterns {
  return (Reflect.getMetadata(ON_PATTERNS, prototype) as OnPatterns | undefined) ?? new Map();
}
