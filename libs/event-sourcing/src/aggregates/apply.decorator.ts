import type { DomainEventClass } from '../events/domain-event.decorator';
import { eventMethodMap, type EventMethodMap } from '../events/event-method-map';

const applyHandlers = eventMethodMap(Symbol('event-sourcing:apply-handlers'));

/** Event class → name of the method that applies it, for one aggregate class. */
export type ApplyHandlers = EventMethodMap;

/**
 * Marks the aggregate method that evolves its state for one event class. It runs both
 * when the aggregate applies a new event and when it is loaded from history, so it must
 * only change state: decide in the command methods, never here.
 * @example
 * @Apply(MoneyDeposited)
 * private onDeposited(event: MoneyDeposited) {
 *   this.balance += event.amount;
 * }
 */
export function Apply(eventClass: DomainEventClass): MethodDecorator {
  return applyHandlers.decorator(eventClass);
}

/** The `@Apply` handlers of an aggregate prototype, inherited ones included. */
export function getApplyHandlers(prototype: object): ApplyHandlers {
  return applyHandlers.read(prototype);
}
