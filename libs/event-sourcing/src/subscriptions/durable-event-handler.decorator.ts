import {
  assertSubscriberName,
  resolveSubscriberOptions,
  type ResolvedSubscriberOptions,
  type SubscriberOptions,
} from './subscriber-options';

const DURABLE_EVENT_HANDLER = Symbol('event-sourcing:durable-event-handler');

/** What `@DurableEventHandler` records on a class. */
export interface DurableEventHandlerMetadata {
  name: string;
  options: ResolvedSubscriberOptions;
}

/**
 * Declares a durable event handler: a provider whose `@On` methods cause side effects
 * (send a mail, call a service, publish to a broker). It reads the store from its own
 * checkpoint, so no committed event is missed, across restarts and on one instance at a
 * time. Delivery is at least once: after a crash, an event may come again. Use
 * `envelope.eventId` as the idempotency key of what you call. Rebuilds never re-run it.
 * @throws ConfigurationError for a bad name or options, naming the class.
 * @example
 * @DurableEventHandler('welcome-mail')
 * export class WelcomeMailHandler {
 *   @On(AccountOpened)
 *   async opened({ eventId, data }: EventEnvelope<AccountOpened>) {
 *     await this.mailer.send({ to: data.owner, idempotencyKey: eventId });
 *   }
 * }
 */
export function DurableEventHandler(name: string, options: SubscriberOptions = {}): ClassDecorator {
  return (target) => {
    const owner = `@DurableEventHandler on ${target.name}`;
    assertSubscriberName(owner, name);
    const metadata: DurableEventHandlerMetadata = { name, options: resolveSubscriberOptions(owner, options, 'skip') };
    Reflect.defineMetadata(DURABLE_EVENT_HANDLER, metadata, target);
  };
}

/** The `@DurableEventHandler` metadata of a class, if it has one. */
export function getDurableEventHandlerMetadata(target: unknown): DurableEventHandlerMetadata | undefined {
  if (typeof target !== 'function') return undefined;
  return Reflect.getMetadata(DURABLE_EVENT_HANDLER, target) as DurableEventHandlerMetadata | undefined;
}
