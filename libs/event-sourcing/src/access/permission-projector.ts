import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope';
import type { EventTypeRegistry } from '../events/event-type-registry';
import { getPermissionDeclarations, type PermissionDeclarations } from '../events/permission-declarations';
import type { InlineAppendHook } from '../store/store-hooks';
import { applyPermissionDeclarations } from './apply-permission-declarations';
import type { PermissionStore } from './permission-store';

/**
 * The access module's part of an append's transaction: what the appended events grant
 * and revoke (`@Grants`, `@Revokes`) goes into the permissions read model, so it commits
 * with them. Appends of other events run as before (`wants` is false). The checks of a
 * command's requirements are not here: the stores make them in each append's statement
 * (see `AppendRequirementsHook`). @internal
 */
export class PermissionProjector implements InlineAppendHook {
  /** Per event type, what its class declares (null: nothing). */
  private readonly declarations = new Map<string, PermissionDeclarations | null>();

  constructor(
    private readonly registry: EventTypeRegistry,
    private readonly store: PermissionStore,
  ) {}

  wants(types: readonly string[]): boolean {
    return types.some((type) => this.declarationsOf(type) !== null);
  }

  async apply(events: EventEnvelope[], manager: EntityManager | undefined): Promise<void> {
    for (const event of events) {
      const declared = this.declarationsOf(event.type);
      if (declared) await applyPermissionDeclarations(event, declared, this.store, manager);
    }
  }

  private declarationsOf(type: string): PermissionDeclarations | null {
    const known = this.declarations.get(type);
    if (known !== undefined) return known;
    const eventClass = this.registry.classOf(type);
    // A type not registered yet (an append before boot) is asked again next time.
    if (!eventClass) return null;
    const found = getPermissionDeclarations(eventClass) ?? null;
    this.declarations.set(type, found);
    return found;
  }
}
