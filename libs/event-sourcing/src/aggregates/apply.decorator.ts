import type { DomainEventClass } from '../events/domain-event.decorator';

const APPLY_HANDLERS = Symbol('event-sourcing:apply-handlers');

/** Event class → name of the method that applies it, for one aggregate class. */
export type ApplyHandlers = ReadonlyMap<DomainEventClass, string | symbol>;

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
  return (target, propertyKey) => {
    const own = Reflect.getOwnMetadata(APPLY_HANDLERS, target) as Map<DomainEventClass, string | symbol> | undefined;
    const handlers = own ?? new Map(getApplyHandlers(target));
    handlers.set(eventClass, propertyKey);
    Reflect.defineMetadata(APPLY_HANDLERS, handlers, target);
  };
}

/** The `@Apply` handlers of an aggregate prototype, inherited ones included. */
export function getApplyHandlers(prototype: object): ApplyHandlers {
  return (Reflect.getMetadata(APPLY_HANDLERS, prototype) as ApplyHandlers | undefined) ?? new Map();
}
