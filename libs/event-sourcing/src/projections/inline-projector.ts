import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope';
import type { InlineAppendHook } from '../store/store-hooks';
import type { SubscriberRegistry } from '../subscriptions/subscriber-registry';

/**
 * Runs the inline projections in an append's transaction, with its entity manager: the
 * read model commits with the events, and a handler that throws rolls the append back.
 * Under `database: 'memory'` there is no manager (`undefined`): only projections that
 * keep their state in a provider run there; those with TypeORM `readModels` are skipped.
 * @internal
 */
export class InlineProjector implements InlineAppendHook {
  constructor(private readonly registry: SubscriberRegistry) {}

  wants(types: readonly string[]): boolean {
    return this.registry.inlineProjections().some((projection) => types.some((t) => projection.types.includes(t)));
  }

  async apply(events: EventEnvelope[], manager: EntityManager | undefined): Promise<void> {
    for (const projection of this.registry.inlineProjections()) {
      // In memory there is no manager to write read models with (a warning at boot said so).
      if (!manager && projection.keepsReadModels) continue;
      const wanted = events.filter((event) => projection.types.includes(event.type));
      const context = { manager, replaying: false, attempt: 1 };
      if (wanted.length === 0) continue;
      if (projection.handlePage) await projection.handlePage(wanted, context);
      else for (const event of wanted) await projection.handle(event, context);
    }
  }
}
