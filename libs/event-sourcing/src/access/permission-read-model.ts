import { Inject, Injectable, Logger } from '@nestjs/common';
import { MessageContext } from '../events/message-context';
import { EventTypeRegistry } from '../events/event-type-registry';
import { getPermissionDeclarations, type PermissionDeclarations } from '../events/permission-declarations';
import { RESOLVED_OPTIONS, type ResolvedOptions } from '../options/event-sourcing-options';
import { normalizeQuery } from '../store/event-query';
import { EventStore } from '../store/event-store';
import { pagesIn } from '../store/query-events-in';
import { applyPermissionDeclarations } from './apply-permission-declarations';
import { PermissionStore } from './permission-store';

/** What {@link PermissionReadModel.rebuild} did. */
export interface PermissionRebuildResult {
  /** The tenant rebuilt; absent when every tenant was. */
  tenantId?: string;
  /** The event types read: those whose classes declare `@Grants` or `@Revokes`. */
  types: string[];
  /** How many of their events were replayed. */
  events: number;
}

/**
 * The permissions read model (`es_permissions`, kept by the events that declare
 * `@Grants` and `@Revokes`) as a whole: {@link PermissionReadModel.rebuild} computes it
 * again from the events. Inject it where `EventSourcingAccessModule` is imported.
 */
@Injectable()
export class PermissionReadModel {
  private readonly logger = new Logger('PermissionReadModel');

  constructor(
    private readonly store: EventStore,
    private readonly registry: EventTypeRegistry,
    private readonly permissions: PermissionStore,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedOptions,
    private readonly context: MessageContext,
  ) {}

  /**
   * Recomputes the permissions read model (of one tenant, or all) from the events that
   * grant and revoke, read by type in global position order, and replaces the rows with
   * it in one transaction that locks `es_permissions` first: appends that grant or revoke
   * wait until it commits (and then apply theirs on top), permission checks see the old
   * rows until then, and nothing granted concurrently is lost. Use it after restoring a
   * backup, after changing what an event's `@Grants` declares, or to repair damaged rows.
   * @param options.tenantId only this tenant's rows (of events stamped with it); every tenant's when absent.
   * @throws InvalidQueryError for a tenant id that is not a non-empty string.
   * @throws UpcastError for a stored event the registry cannot read at its current revision.
   * @example
   * await permissions.rebuild({ tenantId: 'acme' });
   */
  async rebuild(options: { tenantId?: string } = {}): Promise<PermissionRebuildResult> {
    const { tenantId } = options;
    if (tenantId !== undefined) normalizeQuery({ tenantId });
    const declared = new Map<string, PermissionDeclarations>();
    for (const type of this.registry.types()) {
      const found = getPermissionDeclarations(this.registry.classOf(type));
      if (found) declared.set(type, found);
    }
    const types = [...declared.keys()].sort();
    let events = 0;
    await this.permissions.rebuild(tenantId, async (target, manager) => {
      if (types.length === 0) return;
      const filter = { types, ...(tenantId !== undefined && { tenantId }) };
      for await (const page of pagesIn(this.store, this.context, filter, manager, this.options.batchSize)) {
        for (const envelope of page) {
          // At the class's current revision, as the append's hook saw it when it was new.
          const event = { ...envelope, data: this.registry.toInstance(envelope, 'throw') };
          await applyPermissionDeclarations(event, declared.get(envelope.type)!, target, manager);
        }
        events += page.length;
      }
    });
    this.logger.log(`permissions rebuilt${tenantId === undefined ? '' : ' for one tenant'}: ${events} events replayed`);
    return { ...(tenantId !== undefined && { tenantId }), types, events };
  }
}
