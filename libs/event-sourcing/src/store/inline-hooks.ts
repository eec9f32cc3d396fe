import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope';
import type { InlineAppendHook } from './store-hooks';

/**
 * The work every append's transaction runs, from each part of the library that needs
 * it (the inline projections; the permissions read model and its checks), in the order
 * they were added. One instance per module, given to the store as its `inline` hook.
 * @internal
 */
export class InlineHooks implements InlineAppendHook {
  private readonly hooks: InlineAppendHook[] = [];

  /** Adds a hook; `first` ones run before the others (checks before projections). */
  add(hook: InlineAppendHook, first = false): void {
    if (first) this.hooks.unshift(hook);
    else this.hooks.push(hook);
  }

  wants(types: readonly string[]): boolean {
    return this.hooks.some((hook) => hook.wants(types));
  }

  async apply(events: EventEnvelope[], manager: EntityManager | undefined): Promise<void> {
    const types = events.map((event) => event.type);
    for (const hook of this.hooks) if (hook.wants(types)) await hook.apply(events, manager);
  }
}
