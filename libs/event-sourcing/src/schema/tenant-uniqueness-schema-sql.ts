import { streamEffectsSql } from './lifecycle-schema-sql';
import { appendGuardSql } from './tag-schema-sql';

/**
 * The fourteenth migration: uniqueness per tenant, of natural keys and of the decisions
 * of conditional appends.
 *
 * Natural keys: `es_natural_keys` gets the
 * tenant each key is claimed for (`tenant`, '' for none), a held value is unique within
 * its tenant (the partial unique index on tenant, key and value), and `es_stream_effects`
 * takes the tenant of the append as a sixth parameter. Rows that exist take the tenant of
 * their stream's first event (the `tenant_id` of the thirteenth migration), '' for a
 * stream without one, so a store that already ran with tenancy keeps its keys where they
 * belong. Down refuses (a unique violation) when two tenants hold the same value by then.
 *
 * Conditions: `es_append_guard` takes the tenant of the append as a ninth parameter
 * (null for none) and counts only that tenant's events (their `tenant_id`; the tag
 * index still finds the candidates). The advisory locks stay by tag alone, shared by the tenants: two
 * tenants' appends on one tag may wait for each other, never fail each other.
 * @internal
 */
export function tenantUniquenessSchemaSql(s: string): string[] {
  return [
    `ALTER TABLE ${s}.es_natural_keys ADD COLUMN tenant text NOT NULL DEFAULT ''`,
    `UPDATE ${s}.es_natural_keys k SET tenant = e.tenant_id
       FROM ${s}.es_events e
      WHERE e.stream_id = k.stream_id AND e.version = 1 AND e.tenant_id IS NOT NULL`,
    `DROP INDEX ${s}.es_natural_keys_held_idx`,
    `CREATE UNIQUE INDEX es_natural_keys_held_idx ON ${s}.es_natural_keys (tenant, key, value) WHERE NOT released`,
    `DROP FUNCTION ${s}.es_stream_effects(text, text[], text[], text[], text)`,
    streamEffectsSql(s, true),
    `DROP FUNCTION ${s}.es_append_guard(bigint[], boolean[], boolean, text[], text[], text, bigint, uuid[])`,
    appendGuardSql(s, true),
  ];
}

/** Undoes {@link tenantUniquenessSchemaSql}: keys and conditions across tenants again. @internal */
export function dropTenantUniquenessSchemaSql(s: string): string[] {
  return [
    `DROP FUNCTION IF EXISTS ${s}.es_append_guard(bigint[], boolean[], boolean, text[], text[], text, bigint, uuid[], text)`,
    appendGuardSql(s, false),
    `DROP FUNCTION IF EXISTS ${s}.es_stream_effects(text, text[], text[], text[], text, text)`,
    streamEffectsSql(s, false),
    `DROP INDEX IF EXISTS ${s}.es_natural_keys_held_idx`,
    `CREATE UNIQUE INDEX es_natural_keys_held_idx ON ${s}.es_natural_keys (key, value) WHERE NOT released`,
    `ALTER TABLE ${s}.es_natural_keys DROP COLUMN IF EXISTS tenant`,
  ];
}
