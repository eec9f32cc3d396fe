import { EventSourcingError } from './event-sourcing-error';

/**
 * A per-tenant rebuild of a projection that cannot reset one tenant: it has no
 * `resetTenant(tenantId, manager)` method (see `ProjectionTenantReset`).
 */
export class TenantResetMissingError extends EventSourcingError {
  readonly code = 'ES_TENANT_RESET_MISSING';

  constructor(
    readonly subscriber: string,
    readonly owner: string,
  ) {
    super(
      `"${subscriber}" cannot be rebuilt for one tenant: ${owner} has no resetTenant(tenantId, manager) method. ` +
        "Add one that deletes that tenant's rows (see ProjectionTenantReset), or rebuild it whole.",
    );
  }
}
