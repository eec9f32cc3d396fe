import parseDuration from 'parse-duration';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { textProblem } from './text-problem';
import { queryTags } from './tags';

/** The largest global position: PostgreSQL's `bigint` holds nothing above it. */
const MAX_POSITION = 2n ** 63n - 1n;

/**
 * One set of conditions on events; all given conditions must hold (AND).
 * Time bounds take a `Date` or a duration text meaning "that long ago":
 * `'3 days'`, `'2 weeks'`, `'90m'`, `'day'` (= one day).
 */
export interface EventFilter {
  /** Any of these types; all types when absent or empty. */
  types?: readonly string[];
  /** Any of these streams. */
  streams?: readonly string[];
  /** Streams of any of these stream types. */
  streamTypes?: readonly string[];
  /** Stream versions from (inclusive). */
  fromVersion?: number;
  /** Stream versions up to (inclusive). */
  toVersion?: number;
  /** Global positions from (inclusive). */
  fromPosition?: bigint;
  /** Global positions up to (inclusive). */
  toPosition?: bigint;
  /** Events created at or after this time. */
  since?: Date | string;
  /** Events created before this time. */
  until?: Date | string;
  /** Events with this correlation id in their metadata. */
  correlationId?: string;
  /** Events of this tenant (`metadata.tenantId`, see docs/tenancy.md). */
  tenantId?: string;
  /** Events carrying every one of these tags. */
  tags?: readonly string[];
}

/** Limit and order of a query. */
export interface EventQueryPaging {
  /** At most this many events; 100 when absent; `null` for all. */
  limit?: number | null;
  /** `'newest-first'` (default) or `'oldest-first'`, by global position. */
  order?: 'newest-first' | 'oldest-first';
}

/** A query of {@link EventStore.queryEvents}: one filter, or several OR'ed with `any`. */
export type EventQuery = (EventFilter & EventQueryPaging) | ({ any: readonly EventFilter[] } & EventQueryPaging);

/** A time bound resolved: an absolute time, or "that many milliseconds before now". @internal */
export type TimeBound = { at: Date } | { agoMs: number };

/** A filter after validation. @internal */
export interface NormalizedFilter {
  types: string[];
  streams: string[];
  streamTypes: string[];
  fromVersion?: number;
  toVersion?: number;
  fromPosition?: bigint;
  toPosition?: bigint;
  since?: TimeBound;
  until?: TimeBound;
  correlationId?: string;
  tenantId?: string;
  tags: string[];
}

/** A query after validation. @internal */
export interface NormalizedQuery {
  filters: NormalizedFilter[];
  limit: number | null;
  order: 'newest-first' | 'oldest-first';
}

/** Default number of events a query returns. */
export const DEFAULT_QUERY_LIMIT = 100;

const FILTER_KEYS: ReadonlySet<string> = new Set([
  'types',
  'streams',
  'streamTypes',
  'fromVersion',
  'toVersion',
  'fromPosition',
  'toPosition',
  'since',
  'until',
  'correlationId',
  'tenantId',
  'tags',
]);
const PAGING_KEYS: ReadonlySet<string> = new Set(['limit', 'order']);

/**
 * Validates a query and resolves its durations.
 * @throws InvalidQueryError naming the first bad option.
 * @internal
 */
export function normalizeQuery(query: EventQuery = {}): NormalizedQuery {
  if (query === null || typeof query !== 'object') throw new InvalidQueryError('query', query, 'give an object');
  const paging: EventQueryPaging = query;
  const limit = normalizeLimit(paging.limit);
  const order = paging.order ?? 'newest-first';
  if (order !== 'newest-first' && order !== 'oldest-first') {
    throw new InvalidQueryError('order', order, "use 'newest-first' or 'oldest-first'");
  }
  if ('any' in query) {
    rejectUnknownKeys(query, new Set(['any', ...PAGING_KEYS]));
    const filters: unknown = query.any;
    if (!Array.isArray(filters) || filters.length === 0) {
      throw new InvalidQueryError('any', filters, 'give a non-empty array of filters');
    }
    return { filters: (filters as EventFilter[]).map((filter) => normalizeFilter(filter, false)), limit, order };
  }
  return { filters: [normalizeFilter(query, true)], limit, order };
}

function normalizeFilter(filter: EventFilter, allowPaging: boolean): NormalizedFilter {
  if (filter === null || typeof filter !== 'object') throw new InvalidQueryError('filter', filter, 'give an object');
  rejectUnknownKeys(filter, allowPaging ? new Set([...FILTER_KEYS, ...PAGING_KEYS]) : FILTER_KEYS);
  const normalized: NormalizedFilter = {
    types: stringList('types', filter.types),
    streams: stringList('streams', filter.streams),
    streamTypes: stringList('streamTypes', filter.streamTypes),
    tags: filter.tags === undefined ? [] : queryTags('tags', filter.tags),
  };
  if (filter.fromVersion !== undefined) normalized.fromVersion = version('fromVersion', filter.fromVersion);
  if (filter.toVersion !== undefined) normalized.toVersion = version('toVersion', filter.toVersion);
  if (filter.fromPosition !== undefined) normalized.fromPosition = position('fromPosition', filter.fromPosition);
  if (filter.toPosition !== undefined) normalized.toPosition = position('toPosition', filter.toPosition);
  if (filter.since !== undefined) normalized.since = timeBound('since', filter.since);
  if (filter.until !== undefined) normalized.until = timeBound('until', filter.until);
  if (filter.correlationId !== undefined) {
    normalized.correlationId = metadataText('correlationId', filter.correlationId);
  }
  if (filter.tenantId !== undefined) normalized.tenantId = metadataText('tenantId', filter.tenantId);
  return normalized;
}

/** A metadata value to match: a non-empty string that PostgreSQL can hold. */
function metadataText(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new InvalidQueryError(option, value, 'give a non-empty string');
  const problem = textProblem(value);
  if (problem) throw new InvalidQueryError(option, value, `it ${problem}`);
  return value;
}

function rejectUnknownKeys(value: object, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) {
      throw new InvalidQueryError(
        key,
        (value as Record<string, unknown>)[key],
        `unknown option; known: ${[...allowed].join(', ')}`,
      );
    }
  }
}

function normalizeLimit(limit: unknown): number | null {
  if (limit === undefined) return DEFAULT_QUERY_LIMIT;
  if (limit === null) return null;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw new InvalidQueryError('limit', limit, 'give a positive integer, or null for no limit');
  }
  return limit;
}

function stringList(option: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    throw new InvalidQueryError(option, value, 'give an array of non-empty strings');
  }
  for (const item of value as string[]) {
    const problem = textProblem(item);
    if (problem) throw new InvalidQueryError(option, value, `an item ${problem}`);
  }
  return [...(value as string[])];
}

function version(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidQueryError(option, value, 'give a non-negative integer');
  }
  return value;
}

function position(option: string, value: unknown): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n && value <= MAX_POSITION) return value;
  throw new InvalidQueryError(option, value, `give a bigint from 0 to ${MAX_POSITION}`);
}

const BARE_UNIT = /^\s*[a-zA-Zµ]+\s*$/;
const DURATION_PAIR = /\d+(?:\.\d+)?\s*[a-zA-Zµ]+/g;
const DURATION_PAIRS = /^\s*(?:\d+(?:\.\d+)?\s*[a-zA-Zµ]+[\s,]*)+$/;
/** The longest duration accepted: beyond it PostgreSQL's timestamps run out. */
const MAX_DURATION_MS = 1000 * 365.25 * 24 * 3600 * 1000;

/**
 * Reads a time bound: a valid `Date`, or a duration text ("3 days", "2 weeks", "day").
 * @throws InvalidQueryError for an invalid date or a text the duration parser cannot read.
 * @internal
 */
export function timeBound(option: string, value: unknown): TimeBound {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidQueryError(option, value, 'the Date is invalid');
    return { at: value };
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidQueryError(option, value, "give a Date or a duration such as '3 days', '2 weeks' or 'day'");
  }
  // A bare unit ("day", "week") reads as one of it. Otherwise the whole text must be
  // number-and-unit pairs, each read by the parser: "3 days and 5 cats" is no duration.
  const text = BARE_UNIT.test(value) ? `1 ${value.trim()}` : value;
  const pairs = DURATION_PAIRS.test(text) ? text.match(DURATION_PAIR) : null;
  const parts = pairs?.map((pair) => parseDuration(pair)) ?? [null];
  const ms = parts.every((part): part is number => typeof part === 'number') ? parts.reduce((a, b) => a + b, 0) : null;
  if (ms === null || !Number.isFinite(ms) || ms < 0 || ms > MAX_DURATION_MS) {
    throw new InvalidQueryError(
      option,
      value,
      "not a duration of up to 1000 years; try '3 days', '2 weeks', '12h' or 'day'",
    );
  }
  return { agoMs: ms };
}
