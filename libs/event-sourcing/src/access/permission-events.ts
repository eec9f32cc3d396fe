import { DomainEvent } from '../events/domain-event.decorator';
import { Grants, Revokes } from '../events/permission-declarations';

/**
 * The library's own grant, for apps whose domain events do not declare one: append it
 * (to the aggregate's stream, or to a stream of your access decisions) and the actor
 * holds `permission` (an action, `'*'` or a role) on the aggregate, or on all of its type
 * with `aggregateId: '*'`.
 */
@DomainEvent('es.permission-granted')
@Grants<PermissionGranted>((data) => ({ ...data }))
export class PermissionGranted {
  constructor(
    readonly actorId: string,
    readonly aggregateType: string,
    readonly aggregateId: string,
    readonly permission: string,
  ) {}
}

/** Revokes what {@link PermissionGranted} granted: one permission, or all when `permission` is absent. */
@DomainEvent('es.permission-revoked')
@Revokes<PermissionRevoked>(({ actorId, aggregateType, aggregateId, permission }) => ({
  actorId,
  aggregateType,
  aggregateId,
  ...(permission ? { permissions: [permission] } : {}),
}))
export class PermissionRevoked {
  constructor(
    readonly actorId: string,
    readonly aggregateType: string,
    readonly aggregateId: string,
    readonly permission?: string,
  ) {}
}
