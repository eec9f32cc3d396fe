import type { DomainEventClass } from '../events/domain-event.decorator';
import { eventMethodMap, type EventMethodMap } from '../events/event-method-map';

const onHandlers = eventMethodMap(Symbol('event-sourcing:on-handlers'));

/** Event class → name of the method that handles it, for one subscriber class. */
export type OnHandlers = EventMethodMap;

/**
 * Marks the method of a `@Projection` or `@DurableEventHandler` class that handles one
 * event class. The method receives the stored envelope, whose `data` is an instance of
 * the class at its current revision (upcast, `Date`s restored), and a context.
 * @example
 * @On(MoneyDeposited)
 * async deposited({ data }: EventEnvelope<MoneyDeposited>, { manager }: ProjectionContext) {
 *   await manager.increment(AccountView, { id: data.accountId }, 'balance', data.amount);
 * }
 */
export function On(eventClass: DomainEventClass): MethodDecorator {
  return onHandlers.decorator(eventClass);
}

/** The `@On` handlers of a prototype, inherited ones included. */
export function getOnHandlers(prototype: object): OnHandlers {
  return onHandlers.read(prototype);
}
