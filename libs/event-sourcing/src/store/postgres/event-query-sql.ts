import type { NormalizedFilter, NormalizedQuery, TimeBound } from '../event-query';
import { EVENT_COLUMNS } from './event-row';

/**
 * Builds the one SELECT that answers a query: each filter's conditions AND'ed, the
 * filters OR'ed, every value a bound parameter. `s` is the quoted schema. @internal
 */
export function buildEventQuerySql(s: string, query: NormalizedQuery): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const bind = (value: unknown, cast: string): string => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  const filters = query.filters.map((filter) => `(${conditions(s, filter, bind).join(' AND ') || 'true'})`);
  const direction = query.order === 'newest-first' ? 'DESC' : 'ASC';
  const limit = query.limit === null ? '' : ` LIMIT ${bind(query.limit, 'integer')}`;
  return {
    text: `SELECT ${EVENT_COLUMNS} FROM ${s}.es_events WHERE ${filters.join(' OR ')} ORDER BY position ${direction}${limit}`,
    params,
  };
}

function conditions(s: string, f: NormalizedFilter, bind: (value: unknown, cast: string) => string): string[] {
  const where: string[] = [];
  if (f.types.length) where.push(`type = ANY(${bind(f.types, 'text[]')})`);
  if (f.streams.length) where.push(`stream_id = ANY(${bind(f.streams, 'text[]')})`);
  if (f.streamTypes.length) {
    where.push(
      `stream_id IN (SELECT stream_id FROM ${s}.es_streams WHERE stream_type = ANY(${bind(f.streamTypes, 'text[]')}))`,
    );
  }
  if (f.fromVersion !== undefined) where.push(`version >= ${bind(f.fromVersion, 'bigint')}`);
  if (f.toVersion !== undefined) where.push(`version <= ${bind(f.toVersion, 'bigint')}`);
  if (f.fromPosition !== undefined) where.push(`position >= ${bind(f.fromPosition.toString(), 'bigint')}`);
  if (f.toPosition !== undefined) where.push(`position <= ${bind(f.toPosition.toString(), 'bigint')}`);
  if (f.since) where.push(`created_at >= ${instant(f.since, bind)}`);
  if (f.until) where.push(`created_at < ${instant(f.until, bind)}`);
  if (f.correlationId !== undefined) where.push(`metadata->>'correlationId' = ${bind(f.correlationId, 'text')}`);
  // The generated column of the tenant migration, indexed.
  if (f.tenantId !== undefined) where.push(`tenant_id = ${bind(f.tenantId, 'text')}`);
  // The index holds tagged rows alone: saying so lets the planner use it.
  if (f.tags.length) where.push(`tags @> ${bind(f.tags, 'text[]')} AND tags <> '{}'`);
  return where;
}

/** Durations count back from the database's clock, the one that stamped `created_at`. */
function instant(bound: TimeBound, bind: (value: unknown, cast: string) => string): string {
  return 'at' in bound
    ? bind(bound.at.toISOString(), 'timestamptz')
    : `now() - ${bind(bound.agoMs, 'double precision')} * interval '1 millisecond'`;
}
