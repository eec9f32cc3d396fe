import { ConfigurationError } from '../errors/configuration-error';

const DOMAIN_EVENT = Symbol('event-sourcing:domain-event');

/** What `@DomainEvent` records on an event class. */
export interface DomainEventMetadata {
  /** Stable type name stored with every event, e.g. `bank.money-deposited`. */
  type: string;
  /** Current revision of the class's shape; older stored revisions are upcast to it. */
  revision: number;
}

/** Options of {@link DomainEvent}. */
export interface DomainEventOptions {
  /** Current revision of the event's shape, a positive integer. Default 1. */
  revision?: number;
}

/** A class decorated with {@link DomainEvent}. */
export type DomainEventClass<T extends object = object> = abstract new (...args: never[]) => T;

/**
 * Declares a class as a stored domain event with a stable type name and the revision of
 * its shape. The class is discovered through the aggregates, projections and handlers
 * that use it; read back, an event is an instance of its class with `Date`s restored.
 * @throws ConfigurationError for an empty type name or a revision that is not a positive integer.
 * @example
 * @DomainEvent('bank.money-deposited', { revision: 2 })
 * export class MoneyDeposited {
 *   constructor(readonly accountId: string, readonly amount: number, readonly at: Date) {}
 * }
 */
export function DomainEvent(type: string, options: DomainEventOptions = {}): ClassDecorator {
  return (target) => {
    const revision = options.revision ?? 1;
    if (typeof type !== 'string' || type.trim() === '') {
      throw new ConfigurationError(`@DomainEvent on ${target.name} needs a non-empty type name.`);
    }
    if (!Number.isInteger(revision) || revision < 1) {
      throw new ConfigurationError(
        `@DomainEvent('${type}') on ${target.name}: revision ${revision} is not a positive integer.`,
      );
    }
    Reflect.defineMetadata(DOMAIN_EVENT, { type, revision } satisfies DomainEventMetadata, target);
  };
}

/** The `@DomainEvent` metadata of a class, or undefined when it has none (own or inherited). */
export function getDomainEventMetadata(target: unknown): DomainEventMetadata | undefined {
  if (typeof target !== 'function') return undefined;
  return Reflect.getMetadata(DOMAIN_EVENT, target) as DomainEventMetadata | undefined;
}

/**
 * The `@DomainEvent` metadata of a class.
 * @throws ConfigurationError naming the class when it is not decorated.
 */
export function requireDomainEventMetadata(target: DomainEventClass, usedBy: string): DomainEventMetadata {
  const metadata = getDomainEventMetadata(target);
  if (!metadata) {
    throw new ConfigurationError(`${target.name} is used by ${usedBy} but has no @DomainEvent('type') decorator.`);
  }
  return metadata;
}
