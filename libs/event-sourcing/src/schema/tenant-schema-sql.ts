/**
 * The thirteenth migration: each event's tenant as a column, `tenant_id`, generated from
 * `metadata->>'tenantId'` (which the store writes for every append made for a tenant),
 * so the append statements stay what they were, with tenancy on or off, and an event's
 * tenant cannot differ from its metadata. Stored, so it is indexed: queries by tenant
 * (the operator's filter, a tenant's scoped queries) use the partial index, which holds
 * the rows of tenants alone. Adding a stored generated column rewrites `es_events` once;
 * on a large store, run it in a maintenance window. @internal
 */
export function tenantSchemaSql(s: string): string[] {
  return [
    `ALTER TABLE ${s}.es_events ADD COLUMN tenant_id text GENERATED ALWAYS AS (metadata->>'tenantId') STORED`,
    `CREATE INDEX es_events_tenant_idx ON ${s}.es_events (tenant_id, position) WHERE tenant_id IS NOT NULL`,
  ];
}

/** Drops what {@link tenantSchemaSql} creates. @internal */
export function dropTenantSchemaSql(s: string): string[] {
  return [
    `DROP INDEX IF EXISTS ${s}.es_events_tenant_idx`,
    `ALTER TABLE ${s}.es_events DROP COLUMN IF EXISTS tenant_id`,
  ];
}
