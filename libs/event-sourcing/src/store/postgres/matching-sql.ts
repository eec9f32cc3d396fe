import { createHash } from 'node:crypto';
import type { NormalizedItem } from '../decision-query';
import { EVENT_COLUMNS } from './event-row';
import type { Statement } from './statement';

/**
 * The one statement of `readMatching`: the events matching any item, by position, and,
 * in the same statement (so the same snapshot), the reader's snapshot and the last
 * position it sees. Every item is a bound condition that an index answers: tags by the
 * GIN index (whose predicate, `tags <> '{}'`, each tagged item repeats so that the
 * planner may use it), types alone by the type index. Named by its text, so a shape
 * of query is prepared once per connection. `s` is the quoted schema. @internal
 */
export function buildMatchingSql(
  s: string,
  items: readonly NormalizedItem[],
): { statement: Statement; params: unknown[] } {
  const params: unknown[] = [];
  const bind = (value: unknown, cast: string): string => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  const conditions = items.map((item) => {
    const where: string[] = [];
    if (item.types) where.push(`type = ANY(${bind(item.types, 'text[]')})`);
    if (item.tags.length) where.push(`tags @> ${bind(item.tags, 'text[]')}`, `tags <> '{}'`);
    return `(${where.join(' AND ') || 'true'})`;
  });
  const text = `WITH point AS MATERIALIZED (
      SELECT pg_current_snapshot()::text AS snapshot, (SELECT max(position) FROM ${s}.es_events) AS head
    )
    SELECT e.*, p.snapshot, coalesce(p.head, 0)::text AS head FROM point p
      LEFT JOIN LATERAL (SELECT ${EVENT_COLUMNS} FROM ${s}.es_events WHERE ${conditions.join(' OR ')}) e ON true
     ORDER BY e.position`;
  const name = `es_match_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
  return { statement: { name, text }, params };
}
