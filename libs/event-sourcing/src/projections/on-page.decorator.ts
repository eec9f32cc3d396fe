import { ConfigurationError } from '../errors/configuration-error';
import type { DomainEventClass } from '../events/domain-event.decorator';

const PAGE_HANDLER = Symbol('event-sourcing:page-handler');

/** The `@OnPage` method of a projection class and the event classes it takes. @internal */
export interface PageHandler {
  method: string | symbol;
  eventClasses: readonly DomainEventClass[];
}

/**
 * Marks the one method of a `@Projection` class that takes a whole page of events at
 * once, to write its read model in a few statements instead of one per event (a
 * multi-row `INSERT`, one `UPDATE` per row touched). It receives the envelopes of the
 * page whose types it names, in the store's order, each `data` an instance of its class
 * at its current revision, and the `ProjectionContext` of the page's transaction; the
 * page commits with the checkpoint, as `@On` methods' writes do. A page that throws is
 * applied again event by event (one-event pages), so the event that fails is found,
 * retried and parked alone. Inline projections get the events of one append.
 *
 * A class has either `@OnPage` or `@On` methods, not both.
 * @throws ConfigurationError for a second `@OnPage` in one class, or one naming no event class.
 * @example
 * @OnPage(MoneyDeposited, MoneyWithdrawn)
 * async moved(events: EventEnvelope<MoneyDeposited | MoneyWithdrawn>[], { manager }: ProjectionContext) {
 *   await manager.query('INSERT INTO statement_lines … SELECT * FROM unnest($1::uuid[], …)', columnsOf(events));
 * }
 */
export function OnPage(...eventClasses: DomainEventClass[]): MethodDecorator {
  return (target, method) => {
    const owner = target.constructor.name;
    if (eventClasses.length === 0) {
      throw new ConfigurationError(`@OnPage on ${owner}.${String(method)} names no event class: name those it takes.`);
    }
    if (Object.prototype.hasOwnProperty.call(target, PAGE_HANDLER)) {
      throw new ConfigurationError(`${owner} has two @OnPage methods; one takes every page.`);
    }
    const handler: PageHandler = { method, eventClasses };
    Object.defineProperty(target, PAGE_HANDLER, { value: handler });
  };
}

/** The `@OnPage` method of a prototype (or one it inherits), if any. @internal */
export function getPageHandler(prototype: object): PageHandler | undefined {
  return (prototype as { [PAGE_HANDLER]?: PageHandler })[PAGE_HANDLER];
}
