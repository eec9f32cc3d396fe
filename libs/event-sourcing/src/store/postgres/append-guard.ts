import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { AppendConditionError } from '../../errors/append-condition-error';
import { pgErrorOf } from '../../errors/pg-error-fields';
import type { PreparedCondition } from '../decision-query';
import type { PreparedEvent } from '../prepared-append';
import type { Statement } from './statement';

/** The SQLSTATE `es_append_guard` raises when the condition fails. @internal */
export const CONDITION_FAILED = 'ESC01';

/** How a condition is guarded: see `AppendFacts.condition`. @internal */
export function conditionKind(condition: PreparedCondition | undefined): 'none' | 'tags' | 'table' {
  if (!condition) return 'none';
  return condition.items.some((item) => item.tags.length === 0) ? 'table' : 'tags';
}

/**
 * The guard's parameters, in `es_append_guard`'s order around the table flag: the lock
 * keys of the tags and whether each is exclusive (see {@link lockKeys}), the
 * condition's items as two lists, of types (null: any) and of tags (null: nothing to
 * check), its snapshot and its position,
 * and the append's event ids (its own events, stored by an earlier try, do not count).
 * @internal
 */
export function guardValues(condition: PreparedCondition | undefined, events: readonly PreparedEvent[]): unknown[] {
  const exclusive = condition ? condition.items.flatMap((item) => item.tags) : [];
  const [keys, flags] = lockKeys(
    exclusive,
    events.flatMap((e) => e.tags),
  );
  const own = events.map((e) => e.eventId);
  if (!condition) return [keys, flags, null, null, null, null, own];
  // Each item's lists as one array literal, which PL/pgSQL casts back without a query.
  const types = condition.items.map((item) => (item.types ? arrayLiteral(item.types) : null));
  const tags = condition.items.map((item) => arrayLiteral(item.tags));
  return [keys, flags, types, tags, condition.snapshot ?? null, condition.position?.toString() ?? null, own];
}

/**
 * The advisory lock keys of tags, sorted and each once, with whether it is taken
 * exclusively (a tag of the condition) or shared (only an appended event's): a signed
 * 64-bit key from SHA-256 of the tag, the same in every process. @internal
 */
export function lockKeys(exclusive: readonly string[], shared: readonly string[]): [string[], boolean[]] {
  const keys = new Map<bigint, boolean>();
  for (const tag of exclusive) keys.set(keyOf(tag), true);
  for (const tag of shared) if (!keys.has(keyOf(tag))) keys.set(keyOf(tag), false);
  const sorted = [...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [sorted.map(([key]) => key.toString()), sorted.map(([, isExclusive]) => isExclusive)];
}

function keyOf(tag: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(tag).digest('hex').slice(0, 16)}`));
}

/** `values` as a PostgreSQL array literal, each element quoted. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** The guard as a statement of its own, taking the table lock first (`lockTable`). @internal */
export function guardStatement(s: string): Statement {
  return {
    name: `es_guard_${Buffer.from(s).toString('hex').slice(0, 24)}`,
    text: `SELECT ${s}.es_append_guard($1::bigint[], $2::boolean[], $3::boolean, $4::text[], $5::text[], $6::text, $7::bigint, $8::uuid[], $9::text)`,
  };
}

/** Runs the guard alone on `client` (in the caller's transaction). @internal */
export async function runGuard(
  client: PoolClient,
  statement: Statement,
  condition: PreparedCondition | undefined,
  events: readonly PreparedEvent[],
  streamIds: readonly string[],
): Promise<void> {
  const [keys, flags, ...check] = guardValues(condition, events);
  try {
    const values = [keys, flags, conditionKind(condition) === 'table', ...check, condition?.tenant ?? null];
    await client.query({ ...statement, values });
  } catch (error) {
    throw conditionErrorOf(error, streamIds, condition) ?? error;
  }
}

/** The AppendConditionError an error of the guard stands for, else undefined. @internal */
export function conditionErrorOf(
  error: unknown,
  streamIds: readonly string[],
  condition: PreparedCondition | undefined,
): AppendConditionError | undefined {
  if (pgErrorOf(error)?.code !== CONDITION_FAILED) return undefined;
  return new AppendConditionError(streamIds, condition?.readAt, { cause: error });
}
