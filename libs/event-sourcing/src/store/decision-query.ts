import { InvalidQueryError } from '../errors/invalid-query-error';
import type { EventEnvelope, EventMetadata } from '../events/event-envelope';
import { textProblem } from './text-problem';
import { carriesAll, queryTags } from './tags';

/**
 * One item of a {@link DecisionQuery}: events of any of `types` (any type when absent)
 * that carry every one of `tags` (no tag needed when absent). An item needs at least one.
 */
export interface DecisionQueryItem {
  types?: readonly string[];
  tags?: readonly string[];
}

/**
 * Which events a decision rests on, as in the Dynamic Consistency Boundary spec
 * (dcb.events): an event matches when it matches any item. The empty query matches
 * every event.
 * @example
 * const query: DecisionQuery = [{ types: ['todo.list-created', 'todo.list-renamed'], tags: ['title:0f3a…'] }];
 */
export type DecisionQuery = readonly DecisionQueryItem[];

/**
 * Where a decision was read: the store's last position then, and the reader's
 * PostgreSQL snapshot (`pg_current_snapshot()`), which also tells the events of
 * transactions still open at the read, whatever their positions. Treat it as opaque.
 */
export interface ReadPoint {
  /** The highest position committed when the decision was read. */
  position: bigint;
  /** The reader's snapshot, as `xmin:xmax:xip,…` text. */
  snapshot: string;
}

/**
 * The condition of a conditional append: it fails, writing nothing, when an event
 * matching `query` was committed after `after` (a read point from
 * {@link EventStore.readMatching}, or a bare position), or, without `after`, when any
 * such event exists.
 */
export interface AppendCondition {
  query: DecisionQuery;
  after?: ReadPoint | bigint;
}

/** What {@link EventStore.readMatching} answers: the matching events by position, and where they were read. */
export interface ReadMatchingResult {
  events: EventEnvelope[];
  /** Pass it as the condition's `after` when the decision is saved. */
  after: ReadPoint;
}

/** A query item after validation: `types` undefined for any type. @internal */
export interface NormalizedItem {
  types: string[] | undefined;
  tags: string[];
}

/** A condition after validation. @internal */
export interface PreparedCondition {
  /** The empty query becomes one item that matches everything. */
  items: NormalizedItem[];
  snapshot: string | undefined;
  /** A bare position given as `after`: events after it count. */
  position: bigint | undefined;
  /** The position the decision was read at, for messages. */
  readAt: bigint | undefined;
  /**
   * The tenant of the append (its events' `metadata.tenantId`): only that tenant's
   * events count. Undefined: every event counts, whatever its tenant.
   */
  tenant: string | undefined;
}

/**
 * Validates a decision query; the empty one becomes a single item matching every event.
 * @throws InvalidQueryError for an item with neither types nor tags, or bad types or tags.
 * @internal
 */
export function normalizeDecisionQuery(query: unknown): NormalizedItem[] {
  if (!Array.isArray(query)) throw new InvalidQueryError('query', query, 'give an array of query items');
  if (query.length === 0) return [{ types: undefined, tags: [] }];
  return (query as unknown[]).map((item, index) => {
    if (item === null || typeof item !== 'object') {
      throw new InvalidQueryError(`query[${index}]`, item, 'give an object with types and/or tags');
    }
    const { types, tags, ...rest } = item as DecisionQueryItem;
    const unknownKey = Object.keys(rest)[0];
    if (unknownKey !== undefined) throw new InvalidQueryError(`query[${index}].${unknownKey}`, item, 'unknown key');
    const typeList = types === undefined ? [] : itemTypes(index, types);
    const normalized: NormalizedItem = {
      // No type given (or an empty list) means any type, as in the spec.
      types: typeList.length ? typeList : undefined,
      tags: tags === undefined ? [] : queryTags(`query[${index}].tags`, tags),
    };
    if (!normalized.types && normalized.tags.length === 0) {
      throw new InvalidQueryError(`query[${index}]`, item, 'an item needs at least one type or one tag');
    }
    return normalized;
  });
}

function itemTypes(index: number, types: unknown): string[] {
  if (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || t === '' || textProblem(t))) {
    throw new InvalidQueryError(`query[${index}].types`, types, 'give an array of event type names');
  }
  return [...new Set(types as string[])];
}

/**
 * Validates an append condition.
 * @throws InvalidQueryError for a bad query or `after`.
 * @internal
 */
export function prepareCondition(condition: AppendCondition, tenant: string | undefined): PreparedCondition {
  if (condition === null || typeof condition !== 'object') {
    throw new InvalidQueryError('condition', condition, 'give { query, after? }');
  }
  const items = normalizeDecisionQuery(condition.query);
  const { after } = condition;
  if (after === undefined) return { items, snapshot: undefined, position: undefined, readAt: undefined, tenant };
  if (typeof after === 'bigint' && after >= 0n) {
    return { items, snapshot: undefined, position: after, readAt: after, tenant };
  }
  const point = after as Partial<ReadPoint>;
  if (
    typeof point === 'object' &&
    point !== null &&
    typeof point.position === 'bigint' &&
    typeof point.snapshot === 'string' &&
    parseSnapshot(point.snapshot)
  ) {
    return { items, snapshot: point.snapshot, position: undefined, readAt: point.position, tenant };
  }
  throw new InvalidQueryError('condition.after', after, 'give the read point readMatching returned, or a position');
}

/** A snapshot's parts, from its `xmin:xmax:xip,…` text; undefined for anything else. @internal */
export function parseSnapshot(text: string): { xmin: bigint; xmax: bigint; open: bigint[] } | undefined {
  const match = /^(\d{1,20}):(\d{1,20}):((?:\d{1,20}(?:,\d{1,20})*)?)$/.exec(text);
  if (!match) return undefined;
  return { xmin: BigInt(match[1]!), xmax: BigInt(match[2]!), open: match[3] ? match[3].split(',').map(BigInt) : [] };
}

/** Whether an event counts for a condition of `tenant` (undefined: every event does). @internal */
export function ofConditionTenant(event: { metadata: EventMetadata }, tenant: string | undefined): boolean {
  return tenant === undefined || event.metadata.tenantId === tenant;
}

/** Whether an event (its type and tags) matches a normalized query. @internal */
export function matchesItems(
  event: { type: string; tags: readonly string[] },
  items: readonly NormalizedItem[],
): boolean {
  return items.some(
    (item) => (item.types === undefined || item.types.includes(event.type)) && carriesAll(event.tags, item.tags),
  );
}
