import type { EventEnvelope } from '../events/event-envelope';
import type { AppendSignal } from './append-signal';
import { normalizeQuery, type EventQuery, type NormalizedQuery } from './event-query';
import type { EventStore } from './event-store';
import type { QueryCacheSettings } from '../options/query-cache-option';

/** What the cache has done since the process started. */
export interface QueryCacheStats {
  hits: number;
  misses: number;
  /** Answers dropped because an append wrote a type they may hold. */
  invalidations: number;
  entries: number;
}

interface Entry {
  events: readonly EventEnvelope[];
  expiresAt: number;
  /** The event types the answer may hold; `undefined`: any type. */
  types: ReadonlySet<string> | undefined;
}

/**
 * `queryEvents` with an optional cache, for screens that ask the same question again and
 * again (the `/admin` page, a dashboard). An answer is kept for `ttl`, keyed by the query
 * after validation (the order of types or streams does not matter), and dropped as soon
 * as this process commits an event of a type the query may return (any type, for a query
 * without `types`). Appends of other processes are not seen: there an answer may be up
 * to `ttl` old. Relative times (`since: '3 days'`) are those of the first asker. Off
 * (every call goes to the store) unless the module's `queryCache` option is set.
 * Treat the returned events as read-only: askers of the same query share them. With
 * tenancy, answers are kept per tenant (and apart for work without one), as the store
 * scopes them.
 * @example
 * EventSourcingModule.forRoot({ queryCache: { ttl: '5 s', maxEntries: 200 } });
 * const recent = await queries.queryEvents({ types: ['bank.money-withdrawn'], since: '1 hour' });
 */
export class EventQueryCache {
  private readonly entries = new Map<string, Entry>();
  /** Queries being answered, so that askers of the same one wait for one answer. */
  private readonly pending = new Map<string, Promise<readonly EventEnvelope[]>>();
  /** Counts appends; an answer read while one committed is not kept (it may miss it). */
  private appends = 0;
  private readonly counts = { hits: 0, misses: 0, invalidations: 0 };

  constructor(
    private readonly store: EventStore,
    signal: AppendSignal,
    private readonly settings: QueryCacheSettings,
    private readonly now: () => number = Date.now,
    /** The tenant the answer is for (the store scopes reads by it); none without tenancy. */
    private readonly tenant: () => string | undefined = () => undefined,
  ) {
    if (settings.ttlMs > 0) signal.on((types) => this.appended(types));
  }

  /** True when answers are kept. */
  get enabled(): boolean {
    return this.settings.ttlMs > 0;
  }

  /**
   * The store's `queryEvents`, answered from the cache when the same query was answered
   * less than `ttl` ago and no event of its types was appended here since.
   * @throws InvalidQueryError as `EventStore.queryEvents` does.
   */
  async queryEvents(query?: EventQuery): Promise<EventEnvelope[]> {
    if (!this.enabled) return this.store.queryEvents(query);
    const normalized = normalizeQuery(query);
    const key = `${JSON.stringify(this.tenant() ?? null)} ${cacheKey(normalized)}`;
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > this.now()) {
      this.counts.hits++;
      // Least recently used last: touched entries move to the end of the map.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return [...entry.events];
    }
    if (entry) this.entries.delete(key);
    this.counts.misses++;
    let answer = this.pending.get(key);
    if (!answer) {
      answer = this.answer(key, query, normalized);
      this.pending.set(key, answer);
    }
    return [...(await answer)];
  }

  /** Drops every kept answer. */
  clear(): void {
    this.entries.clear();
  }

  /** Hits, misses, invalidations and the answers kept now. */
  stats(): QueryCacheStats {
    return { ...this.counts, entries: this.entries.size };
  }

  private async answer(key: string, query: EventQuery | undefined, normalized: NormalizedQuery) {
    const appendsBefore = this.appends;
    try {
      const events = await this.store.queryEvents(query);
      if (this.appends === appendsBefore) {
        this.entries.set(key, { events, expiresAt: this.now() + this.settings.ttlMs, types: typesOf(normalized) });
        while (this.entries.size > this.settings.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      }
      return events;
    } finally {
      this.pending.delete(key);
    }
  }

  private appended(types: ReadonlySet<string>): void {
    this.appends++;
    if (this.entries.size === 0) return;
    const written = [...types];
    for (const [key, entry] of this.entries) {
      if (entry.types === undefined || written.some((type) => entry.types!.has(type))) {
        this.entries.delete(key);
        this.counts.invalidations++;
      }
    }
  }
}

/** The types a query may return; `undefined` when one of its filters takes any type. */
function typesOf(query: NormalizedQuery): ReadonlySet<string> | undefined {
  if (query.filters.some((filter) => filter.types.length === 0)) return undefined;
  return new Set(query.filters.flatMap((filter) => filter.types));
}

/** The same text for the same question, whatever the order of its lists. @internal */
export function cacheKey(query: NormalizedQuery): string {
  const filters = query.filters.map((filter) =>
    JSON.stringify(
      {
        ...filter,
        types: [...new Set(filter.types)].sort(),
        streams: [...new Set(filter.streams)].sort(),
        streamTypes: [...new Set(filter.streamTypes)].sort(),
      },
      (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value),
    ),
  );
  return JSON.stringify([[...new Set(filters)].sort(), query.limit, query.order]);
}
