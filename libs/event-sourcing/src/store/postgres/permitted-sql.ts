import type { AppendPermission } from '../append-requirements';
import type { Statement } from './statement';

/** What an append statement adds from its gates' first parameter on (see `buildAppendStatements`). @internal */
export interface Gates {
  /** The conditions of its insert: the subjects' keys, the permissions. */
  keys: string;
  /** The CTE of the permissions, with a comma, before its first one. */
  before: string;
  /** Its answer: the count, position and version inserted (and whether it was permitted). */
  summary: string;
}

/**
 * The CTE that checks the requirements in `$at` (a `jsonb` array of `{ tenant, actor,
 * type, id, permissions }`): true when each has a row of es_permissions, on its aggregate
 * or on `'*'`, locked FOR SHARE till the append commits, so that a revocation in flight
 * makes the append wait, then fail, and one that comes later waits for the append.
 */
export function permittedOf(s: string, at: number): string {
  return `permitted AS (SELECT ${allHeld(s, `$${at}::jsonb`, ' AS ok')})`;
}

/**
 * The condition of a row of `nextOfMany` (single events of distinct streams sharing a
 * statement) with its own requirements (`i.required`, as {@link permittedOf}'s, null
 * for none): a row whose permission is missing goes in as nothing, and is sent again
 * alone, which tells the denial. @internal
 */
export function permittedRowOf(s: string): string {
  return ` AND (i.required IS NULL OR (SELECT ${allHeld(s, 'i.required')}))`;
}

/** Whether every requirement in `list` (jsonb) has its row, each found locked FOR SHARE; named `as`. */
function allHeld(s: string, list: string, as = ''): string {
  return `coalesce(bool_and(EXISTS (
          SELECT 1 FROM ${s}.es_permissions p
           WHERE p.tenant_id = r.tenant AND p.actor_id = r.actor AND p.aggregate_type = r.type
             AND p.aggregate_id IN (r.id, '*') AND p.permission = ANY (r.permissions)
           LIMIT 1 FOR SHARE)), true)${as}
          FROM jsonb_to_recordset(${list}) AS r(tenant text, actor text, type text, id text, permissions text[])`;
}

/**
 * The gates of the append statements from parameter `$at` on: the subjects' keys
 * (`keyGate`, taking `keyParams` parameters), then, when `required`, the permissions,
 * whose CTE goes before the statement's first and whose flag it answers after
 * `summary`'s columns (as an integer, which every driver reads as text). @internal
 */
export function gatesOf(
  s: string,
  keyGate: (at: number) => string,
  keyParams: number,
  summary: string,
  required: boolean,
): (at: number) => Gates {
  if (!required) return (at) => ({ keys: keyGate(at), before: '', summary });
  const answer = summary.replace(' FROM inserted', ', (SELECT ok::int FROM permitted) AS permitted FROM inserted');
  return (at) => ({
    keys: `${keyGate(at)} AND (SELECT ok FROM permitted)`,
    before: `${permittedOf(s, at + keyParams)}, `,
    summary: answer,
  });
}

/**
 * Which of the requirements in $1 (as the append statements take them) has no row of
 * es_permissions: the ordinal of the first, none when all have one. Asked only after
 * an append was denied, to name the permission in the error. @internal
 */
export function missingStatement(s: string): Statement {
  return {
    name: `es_missing_${Buffer.from(s).toString('hex').slice(0, 24)}`,
    text: `SELECT r.n
      FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (tenant text, actor text, type text, id text, permissions text[]))
           WITH ORDINALITY AS r(tenant, actor, type, id, permissions, n)
      WHERE NOT EXISTS (
        SELECT 1 FROM ${s}.es_permissions p
         WHERE p.tenant_id = r.tenant AND p.actor_id = r.actor AND p.aggregate_type = r.type
           AND p.aggregate_id IN (r.id, '*') AND p.permission = ANY (r.permissions))
      ORDER BY r.n LIMIT 1`,
  };
}

/**
 * The requirements as the one `jsonb` parameter of the PostgreSQL guard (see
 * `buildAppendStatements`): values only, never SQL. @internal
 */
export function requirementsJson(required: readonly AppendPermission[]): string {
  return JSON.stringify(
    required.map((r) => ({
      tenant: r.tenantId,
      actor: r.actorId,
      type: r.aggregateType,
      id: r.aggregateId,
      permissions: r.permissions,
    })),
  );
}
