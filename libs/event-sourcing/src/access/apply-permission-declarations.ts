import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope';
import {
  listOf,
  type PermissionDeclarations,
  type PermissionGrant,
  type PermissionRevocation,
} from '../events/permission-declarations';
import type { PermissionStore } from './permission-store';

/**
 * Writes what one event grants and revokes (as its class declares) into the permissions
 * read model: revocations first, then grants, in the tenant of the event ('' for none).
 * The append's hook and the rebuild both go through here, so they cannot disagree. @internal
 */
export async function applyPermissionDeclarations(
  event: EventEnvelope,
  declared: PermissionDeclarations,
  store: PermissionStore,
  manager: EntityManager | undefined,
): Promise<void> {
  // A grant holds in the tenant of the event that made it.
  const tenantId = typeof event.metadata.tenantId === 'string' ? event.metadata.tenantId : '';
  const revocations = listOf<PermissionRevocation>(declared.revokes?.(event.data as never, event as never));
  if (revocations.length > 0) await store.revoke(tenantId, revocations, manager);
  const grants = listOf<PermissionGrant>(declared.grants?.(event.data as never, event as never));
  if (grants.length > 0) await store.grant(tenantId, grants, event.position, manager);
}
