import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope';
import type { InlineAppendHook } from '../store/store-hooks';
import type { SubscriberRegistry } from '../subscriptions/subscriber-registry';

/**
 * Runs the inline projections in an append's transaction, with its entity manager: the
 * read model commits with the events, and a handler that throws rolls the append back.
 * @internal
 */
export class InlineProjector implements InlineAppendHook {
  constructor(private readonly registry: SubscriberRegistry) {}

  wants(types: readonly string[]): boolean {
    return this.registry.inlineProjections().some((projection) => types.some((t) => projection.types.includes(t)));
  }

  async apply(events: EventEnvelope[], manager: EntityManager): Promise<void> {
    for (const projection of this.registry.inlineProjections()) {
      for (const event of events) {
        if (projection.types.includes(event.type)) {
          await projection.handle(event, { manager, replaying: false, attempt: 1 });
        }
      }
    }
  }
}
