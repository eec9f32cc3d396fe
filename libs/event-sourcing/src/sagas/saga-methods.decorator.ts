import type { DomainEventClass } from '../events/domain-event.decorator';

const SAGA_METHODS = Symbol('event-sourcing:saga-methods');

/** Where an event's saga instance is named: a property of its data, or a function of it. */
export type Correlate = string | ((data: never) => unknown);

/** Options of {@link StartsSaga} and {@link SagaEventHandler}. */
export interface SagaEventOptions {
  /** Overrides the saga's `correlationKey` for this event. */
  correlate?: Correlate;
}

/** One decorated method of a saga class. @internal */
export type SagaMethod =
  | { kind: 'start' | 'event'; eventClass: DomainEventClass; correlate?: Correlate; method: string | symbol }
  | { kind: 'deadline'; name: string; method: string | symbol }
  | { kind: 'command-failure'; commandClass?: abstract new (...args: never[]) => object; method: string | symbol };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function record(entry: DistributiveOmit<SagaMethod, 'method'>): MethodDecorator {
  return (target, method) => {
    const own = Reflect.getOwnMetadata(SAGA_METHODS, target) as SagaMethod[] | undefined;
    const methods = own ?? [...getSagaMethods(target)];
    methods.push({ ...entry, method });
    Reflect.defineMetadata(SAGA_METHODS, methods, target);
  };
}

/**
 * Marks the method that starts a saga instance when this event is stored. A start event
 * for an instance that exists already is ignored (it was handled).
 * @example
 * @StartsSaga(TransferRequested)
 * requested(event: EventEnvelope<TransferRequested>, saga: SagaContext<TransferState>) { ... }
 */
export function StartsSaga(eventClass: DomainEventClass, options: SagaEventOptions = {}): MethodDecorator {
  return record({ kind: 'start', eventClass, correlate: options.correlate });
}

/**
 * Marks the method that handles this event for the running instance it correlates to.
 * Events of no running instance (never started, or ended) are ignored.
 * @example
 * @SagaEventHandler(MoneyWithdrawn)
 * debited(event: EventEnvelope<MoneyWithdrawn>, saga: SagaContext<TransferState>) { ... }
 */
export function SagaEventHandler(eventClass: DomainEventClass, options: SagaEventOptions = {}): MethodDecorator {
  return record({ kind: 'event', eventClass, correlate: options.correlate });
}

/**
 * Marks the method run when a deadline the saga set with `saga.schedule(name, …)` falls
 * due (after a restart too, if it fell due while no instance ran). It gets the deadline
 * (name, due time, payload) and the saga context.
 *
 * A deadline loses cleanly to decisions already taken: it fires no earlier than its due
 * time, and only once the saga's subscription has read every event committed before it
 * was found due, so an event that makes it moot (an approval stored a moment before the
 * approval deadline) reaches the saga first, cancels it or shows in the state it sees.
 * While the subscription is paused, parked or behind, its deadlines wait for it.
 *
 * A decision committed while the deadline fires can still cross it. When a request and a
 * deadline race for one decision, and the request's answer must agree with the outcome,
 * let the deadline ask the aggregate that owns the decision (dispatch a command; it
 * decides on its stream, at its expected version, so only one of the two wins) and let
 * the saga react to the event that won.
 * @example
 * @OnSagaDeadline('approval')
 * approvalDue(deadline: SagaDeadline, saga: SagaContext<TransferState>) {
 *   if (saga.state.step === 'awaiting-approval') saga.dispatch(new ExpireTransferApproval(saga.correlation));
 * }
 */
export function OnSagaDeadline(name: string): MethodDecorator {
  return record({ kind: 'deadline', name });
}

/**
 * Marks the method run when a command the saga dispatched fails for good (a broken
 * business rule, say): the place for compensation. Without a class it takes the
 * failures of every command the saga has no more specific method for.
 * @example
 * @OnSagaCommandFailure(CreditForTransfer)
 * creditFailed(failure: SagaCommandFailure<CreditForTransfer>, saga: SagaContext<TransferState>) { ... }
 */
export function OnSagaCommandFailure(commandClass?: abstract new (...args: never[]) => object): MethodDecorator {
  return record({ kind: 'command-failure', commandClass });
}

/** The decorated methods of a saga prototype, inherited ones included. @internal */
export function getSagaMethods(prototype: object): readonly SagaMethod[] {
  return (Reflect.getMetadata(SAGA_METHODS, prototype) as SagaMethod[] | undefined) ?? [];
}
