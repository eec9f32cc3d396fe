import { requireDomainEventMetadata, type DomainEventClass } from '../events/domain-event.decorator';
import { serializeJson } from '../store/json-check';

/** An error class, as `thenThrows` takes it. @internal */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * The fixtures' `then`: `actual` events equal `expected`, and each is storable
 * (`@DomainEvent`, JSON-safe data), so what a repository would refuse to store fails in
 * the test, not first in production. @internal
 */
export function expectEventsStorable(fixture: string, usedBy: string, actual: object[], expected: object[]): void {
  expect(actual).toStrictEqual(expected);
  for (const event of actual) {
    requireDomainEventMetadata(event.constructor as DomainEventClass, usedBy);
    const serialized = serializeJson({ ...event }, event.constructor.name);
    if ('problem' in serialized) throw new Error(`${fixture}: ${serialized.problem}; it cannot be stored.`);
  }
}

/** The fixtures' `thenThrows`: `error` is of this class (and message, if given). @internal */
export function expectThrown(error: unknown, errorClass: ErrorClass, message?: string | RegExp): void {
  expect(error).toBeInstanceOf(errorClass);
  if (message !== undefined) expect((error as Error).message).toMatch(message);
}
