/**
 * The migration of saga instances per tenant, after the tenant-uniqueness one: `es_sagas`
 * gets the tenant whose event started each instance (`tenant`, '' for none), and an
 * instance is unique per saga type, tenant and correlation value
 * (`es_sagas_correlation_key`), so two tenants' events with one correlation value start
 * two instances.
 *
 * Rows that exist take the tenant of the event that started them (`started_by`, the
 * `tenant_id` of the thirteenth migration), or, when that event is gone (a hard-deleted
 * stream), the tenant stored with one of their commands (`$tenant`), '' for neither. Down
 * refuses (a unique violation) when two tenants' instances share a correlation value by then.
 * @internal
 */
export function sagaTenantSchemaSql(s: string): string[] {
  return [
    `ALTER TABLE ${s}.es_sagas ADD COLUMN tenant text NOT NULL DEFAULT ''`,
    `UPDATE ${s}.es_sagas g SET tenant = found.tenant
       FROM (SELECT i.saga_id,
                    COALESCE(e.tenant_id,
                             (SELECT c.payload->>'$tenant' FROM ${s}.es_saga_commands c
                               WHERE c.saga_id = i.saga_id AND jsonb_typeof(c.payload->'$tenant') = 'string'
                               ORDER BY c.seq LIMIT 1)) AS tenant
               FROM ${s}.es_sagas i
               LEFT JOIN ${s}.es_events e ON e.event_id = i.started_by) found
      WHERE found.saga_id = g.saga_id AND found.tenant IS NOT NULL`,
    `ALTER TABLE ${s}.es_sagas DROP CONSTRAINT es_sagas_correlation_key`,
    `ALTER TABLE ${s}.es_sagas ADD CONSTRAINT es_sagas_correlation_key UNIQUE (saga_type, tenant, correlation)`,
  ];
}

/** Undoes {@link sagaTenantSchemaSql}: one instance per correlation value across tenants again. @internal */
export function dropSagaTenantSchemaSql(s: string): string[] {
  return [
    `ALTER TABLE ${s}.es_sagas DROP CONSTRAINT IF EXISTS es_sagas_correlation_key`,
    `ALTER TABLE ${s}.es_sagas ADD CONSTRAINT es_sagas_correlation_key UNIQUE (saga_type, correlation)`,
    `ALTER TABLE ${s}.es_sagas DROP COLUMN IF EXISTS tenant`,
  ];
}
