import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope';
import type { EventTypeRegistry } from '../events/event-type-registry';
import { getPermissionDeclarations, type PermissionDeclarations } from '../events/permission-declarations';
import { PermissionDeniedError } from '../errors/permission-denied-error';
import type { InlineAppendHook } from '../store/store-hooks';
import type { ResolvedAccessOptions } from './access-options';
import { applyPermissionDeclarations } from './apply-permission-declarations';
import type { PermissionRequirements } from './permission-requirements';
import type { PermissionStore } from './permission-store';

/**
 * The access module's part of every append's transaction: first the current command's
 * requirements are checked again, with the rows locked (a denied command rolls its
 * events back: nothing is written); then what the appended events grant and revoke
 * (`@Grants`, `@Revokes`) goes into the permissions read model, so it commits with them.
 * Appends that need neither run as before (`wants` is false). @internal
 */
export class PermissionProjector implements InlineAppendHook {
  /** Per event type, what its class declares (null: nothing). */
  private readonly declarations = new Map<string, PermissionDeclarations | null>();

  constructor(
    private readonly registry: EventTypeRegistry,
    private readonly store: PermissionStore,
    private readonly requirements: PermissionRequirements,
    private readonly options: ResolvedAccessOptions,
  ) {}

  wants(types: readonly string[]): boolean {
    return this.requirements.current().length > 0 || types.some((type) => this.declarationsOf(type) !== null);
  }

  async apply(events: EventEnvelope[], manager: EntityManager | undefined): Promise<void> {
    for (const required of this.requirements.current()) {
      const { actor, tenantId, action, aggregateType, aggregateId } = required;
      const permissions = this.options.allowing(action);
      if (
        !(await this.store.holds({ tenantId, actorId: actor.id, aggregateType, aggregateId, permissions }, manager))
      ) {
        throw new PermissionDeniedError(actor.id, action, aggregateType, aggregateId);
      }
    }
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
