import { InvalidQueryError } from '../errors/invalid-query-error';
import type { EventFilter, EventQuery } from '../store/event-query';

/**
 * An event query as operators write it (query parameters, CLI options): the names of
 * `GET /events`, durations or ISO 8601 times as text, and OR groups as JSON in `any`. @internal
 */
export interface OperatorEventQuery {
  type?: readonly string[];
  stream?: readonly string[];
  streamType?: readonly string[];
  fromVersion?: number;
  toVersion?: number;
  fromPosition?: bigint;
  toPosition?: bigint;
  since?: string;
  until?: string;
  correlationId?: string;
  tenantId?: string;
  /** A JSON array of filters with the keys above, OR-ed; the other filter keys hold for each. */
  any?: string;
  limit?: number;
  order?: 'newest-first' | 'oldest-first';
}

const MAX_GROUPS = 20;
const ISO_TIME = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?$/;
const DIGITS = /^[0-9]{1,19}$/;

/** The operator's filter names, and the store's. */
const FILTER_KEYS = {
  type: 'types',
  stream: 'streams',
  streamType: 'streamTypes',
  fromVersion: 'fromVersion',
  toVersion: 'toVersion',
  fromPosition: 'fromPosition',
  toPosition: 'toPosition',
  since: 'since',
  until: 'until',
  correlationId: 'correlationId',
  tenantId: 'tenantId',
} as const satisfies Record<string, keyof EventFilter>;
type OperatorFilterKey = keyof typeof FILTER_KEYS;

/**
 * The store's query for an operator's: `any` groups each AND-ed with the other filters.
 * The store validates the rest (`normalizeQuery`).
 * @throws InvalidQueryError for unreadable `any` JSON, an unknown key in a group, or a
 *   key both in a group and outside.
 * @internal
 */
export function toEventQuery(input: OperatorEventQuery): EventQuery {
  const common: EventFilter = {};
  for (const key of Object.keys(FILTER_KEYS) as OperatorFilterKey[]) {
    if (input[key] !== undefined) setFilter(common, key, input[key]);
  }
  const paging = { limit: input.limit, order: input.order };
  if (input.any === undefined) return { ...common, ...paging };
  const groups = parseGroups(input.any);
  return {
    any: groups.map((group) => {
      const filter: EventFilter = { ...common };
      for (const [key, value] of Object.entries(group)) {
        if (!Object.hasOwn(FILTER_KEYS, key)) {
          throw new InvalidQueryError(
            'any',
            key,
            `unknown key in a filter; known: ${Object.keys(FILTER_KEYS).join(', ')}`,
          );
        }
        const storeKey = FILTER_KEYS[key as OperatorFilterKey];
        if (filter[storeKey] !== undefined) {
          throw new InvalidQueryError('any', key, 'given both in a filter of any and outside it; give it once');
        }
        setFilter(filter, key as OperatorFilterKey, fromJson(key as OperatorFilterKey, value));
      }
      return filter;
    }),
    ...paging,
  };
}

function parseGroups(text: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const isGroup = (g: unknown): g is Record<string, unknown> =>
    g !== null && typeof g === 'object' && !Array.isArray(g);
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MAX_GROUPS || !parsed.every(isGroup)) {
    throw new InvalidQueryError(
      'any',
      text.length > 60 ? `${text.slice(0, 60)}…` : text,
      `give a JSON array of 1 to ${MAX_GROUPS} filter objects, such as [{"type":["a"]},{"stream":["b"]}]`,
    );
  }
  return parsed;
}

/** A group's value in the operator's form: lists may be one string, positions digits. */
function fromJson(key: OperatorFilterKey, value: unknown): unknown {
  if ((key === 'type' || key === 'stream' || key === 'streamType') && typeof value === 'string') return [value];
  if ((key === 'fromPosition' || key === 'toPosition') && typeof value === 'string' && DIGITS.test(value)) {
    return BigInt(value);
  }
  return value;
}

function setFilter(filter: EventFilter, key: OperatorFilterKey, value: unknown): void {
  const target = filter as Record<string, unknown>;
  // An ISO 8601 time is a point in time; any other text a duration, which the store reads.
  target[FILTER_KEYS[key]] =
    (key === 'since' || key === 'until') && typeof value === 'string' && ISO_TIME.test(value) ? new Date(value) : value;
}
