import type { EventEnvelope } from './event-envelope';

const UPCASTER = Symbol('event-sourcing:upcaster');

/** Which stored events an upcaster takes: one type, one revision. */
export interface UpcasterTarget {
  /** The event type name, as in `@DomainEvent`. */
  type: string;
  /** The revision it reads; it returns data of `fromRevision + 1`. */
  fromRevision: number;
}

/** An upcaster as a plain object, for `forFeature({ upcasters })`. */
export interface UpcasterDefinition extends UpcasterTarget {
  /** Returns the data in the next revision's shape. Must not have side effects. */
  upcast(data: unknown, envelope: EventEnvelope): unknown;
}

/** The method an `@Upcaster` class implements. */
export interface EventUpcaster {
  upcast(data: unknown, envelope: EventEnvelope): unknown;
}

/**
 * Declares a class (a Nest provider, so it can inject) that turns stored data of one
 * type and revision into the next revision. Upcasters chain on read, so handlers only
 * ever see the current revision. List the class in `forFeature({ upcasters })`.
 * @example
 * @Upcaster({ type: 'bank.money-deposited', fromRevision: 1 })
 * export class MoneyDepositedV1 implements EventUpcaster {
 *   upcast(data: { amount: number }) {
 *     return { ...data, currency: 'EUR' };
 *   }
 * }
 */
export function Upcaster(target: UpcasterTarget): ClassDecorator {
  return (cls) => {
    Reflect.defineMetadata(UPCASTER, { ...target }, cls);
  };
}

/** The `@Upcaster` metadata of a class, if any. */
export function getUpcasterMetadata(cls: unknown): UpcasterTarget | undefined {
  return typeof cls === 'function' ? (Reflect.getMetadata(UPCASTER, cls) as UpcasterTarget | undefined) : undefined;
}
