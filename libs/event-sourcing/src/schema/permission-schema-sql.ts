/**
 * The twelfth migration: `es_permissions`, the permissions read model of the access
 * module. One row per permission an actor holds on one aggregate (or `'*'`, all of a
 * type), written in the transaction of the event that granted it and deleted in that of
 * the event that revoked it; `granted_at` is that event's position. The key serves both
 * the check (tenant, actor, type, then id and permission) and the listing of what an
 * actor may see; the second index finds who may touch one aggregate. `tenant_id` is ''
 * where tenancy is off. @internal
 */
export function permissionSchemaSql(s: string): string[] {
  return [
    `CREATE TABLE ${s}.es_permissions (
      tenant_id text NOT NULL DEFAULT '',
      actor_id text NOT NULL,
      aggregate_type text NOT NULL,
      aggregate_id text NOT NULL,
      permission text NOT NULL,
      granted_at bigint NOT NULL,
      PRIMARY KEY (tenant_id, actor_id, aggregate_type, aggregate_id, permission)
    )`,
    `CREATE INDEX es_permissions_aggregate_idx ON ${s}.es_permissions (tenant_id, aggregate_type, aggregate_id)`,
  ];
}

/** Drops what {@link permissionSchemaSql} creates. @internal */
export function dropPermissionSchemaSql(s: string): string[] {
  return [`DROP TABLE IF EXISTS ${s}.es_permissions`];
}
