import { InvalidQueryError } from '../errors/invalid-query-error';
import { resolveQueryCache } from '../options/query-cache-option';
import { AppendSignal } from './append-signal';
import { EventQueryCache } from './event-query-cache';
import type { EventQuery } from './event-query';
import { InMemoryEventStore } from './in-memory/in-memory-event-store';

describe('EventQueryCache', () => {
  let store: InMemoryEventStore;
  let signal: AppendSignal;
  let clock: number;
  let queries: jest.SpyInstance;

  function cache(options: Parameters<typeof resolveQueryCache>[0] = { ttl: 1000, maxEntries: 3 }): EventQueryCache {
    return new EventQueryCache(store, signal, resolveQueryCache(options), () => clock);
  }
  const append = (streamId: string, type: string) => store.append(streamId, [{ type, data: { streamId } }]);

  beforeEach(async () => {
    signal = new AppendSignal();
    store = new InMemoryEventStore({ hooks: { committed: (types) => signal.emit(types) } });
    clock = 0;
    await append('account-1', 'bank.account-opened');
    await append('account-1', 'bank.money-deposited');
    queries = jest.spyOn(store, 'queryEvents');
  });

  it('answers the same query from the cache until its ttl ends, whatever the order of its lists', async () => {
    const queryCache = cache();
    const first = await queryCache.queryEvents({ types: ['bank.money-deposited', 'bank.account-opened'] });
    const again = await queryCache.queryEvents({ types: ['bank.account-opened', 'bank.money-deposited'] });
    expect(again.map((e) => e.type)).toEqual(first.map((e) => e.type));
    expect(first).toHaveLength(2);
    expect(queries).toHaveBeenCalledTimes(1);
    clock = 1000;
    await queryCache.queryEvents({ types: ['bank.account-opened', 'bank.money-deposited'] });
    expect(queries).toHaveBeenCalledTimes(2);
    expect(queryCache.stats()).toMatchObject({ hits: 1, misses: 2, entries: 1 });
  });

  it('drops an answer when an event of one of its types is appended, and keeps the others', async () => {
    const queryCache = cache();
    await queryCache.queryEvents({ types: ['bank.money-deposited'] });
    await queryCache.queryEvents({ types: ['bank.account-opened'] });
    await append('account-1', 'bank.money-deposited');
    expect(await queryCache.queryEvents({ types: ['bank.money-deposited'] })).toHaveLength(2);
    await queryCache.queryEvents({ types: ['bank.account-opened'] });
    expect(queries).toHaveBeenCalledTimes(3);
    expect(queryCache.stats().invalidations).toBe(1);
  });

  it('drops an answer of a query without types (or with an untyped any filter) on any append', async () => {
    const queryCache = cache();
    const untyped: EventQuery = { streams: ['account-1'] };
    const mixed: EventQuery = { any: [{ types: ['bank.money-deposited'] }, { streams: ['account-1'] }] };
    await queryCache.queryEvents(untyped);
    await queryCache.queryEvents(mixed);
    await append('account-2', 'bank.account-closed');
    await queryCache.queryEvents(untyped);
    await queryCache.queryEvents(mixed);
    expect(queries).toHaveBeenCalledTimes(4);
  });

  it('keeps no answer read while an append committed, which it may have missed', async () => {
    const queryCache = cache();
    let release!: () => void;
    queries.mockImplementationOnce(async (query?: EventQuery) => {
      const answer = await InMemoryEventStore.prototype.queryEvents.call(store, query);
      await new Promise<void>((resolve) => (release = resolve));
      return answer;
    });
    const slow = queryCache.queryEvents({ types: ['bank.money-deposited'] });
    await new Promise((resolve) => setImmediate(resolve));
    await append('account-1', 'bank.money-deposited');
    release();
    expect(await slow).toHaveLength(1);
    expect(await queryCache.queryEvents({ types: ['bank.money-deposited'] })).toHaveLength(2);
  });

  it('asks the store once for concurrent askers of one query', async () => {
    const queryCache = cache();
    const answers = await Promise.all(Array.from({ length: 5 }, () => queryCache.queryEvents({ limit: 10 })));
    expect(answers.every((answer) => answer.length === 2)).toBe(true);
    expect(queries).toHaveBeenCalledTimes(1);
  });

  it('keeps at most maxEntries answers, dropping the least recently used', async () => {
    const queryCache = cache();
    for (const limit of [1, 2, 3]) await queryCache.queryEvents({ limit });
    await queryCache.queryEvents({ limit: 1 });
    await queryCache.queryEvents({ limit: 4 });
    expect(queryCache.stats().entries).toBe(3);
    await queryCache.queryEvents({ limit: 1 });
    await queryCache.queryEvents({ limit: 2 });
    // limit 1 was used last, so limit 2 went when limit 4 came in.
    expect(queries).toHaveBeenCalledTimes(5);
  });

  it('is off without the option: every call reaches the store', async () => {
    const queryCache = cache(false);
    expect(queryCache.enabled).toBe(false);
    await queryCache.queryEvents({});
    await queryCache.queryEvents({});
    expect(queries).toHaveBeenCalledTimes(2);
  });

  it('refuses a bad query as the store does, and caches nothing for it', async () => {
    const queryCache = cache();
    await expect(queryCache.queryEvents({ limit: 0 })).rejects.toBeInstanceOf(InvalidQueryError);
    expect(queryCache.stats().entries).toBe(0);
  });
});

describe('resolveQueryCache', () => {
  it('reads true, durations and numbers, and refuses what is no ttl or size', () => {
    expect(resolveQueryCache(true)).toEqual({ ttlMs: 5000, maxEntries: 100 });
    expect(resolveQueryCache({ ttl: '2 min', maxEntries: 10 })).toEqual({ ttlMs: 120_000, maxEntries: 10 });
    expect(resolveQueryCache(false)).toEqual({ ttlMs: 0, maxEntries: 0 });
    expect(() => resolveQueryCache({ ttl: 'soon' })).toThrow(/queryCache.ttl must be a duration/);
    expect(() => resolveQueryCache({ ttl: 0 })).toThrow(/queryCache.ttl/);
    expect(() => resolveQueryCache({ maxEntries: 1.5 })).toThrow(/queryCache.maxEntries must be a whole number/);
  });
});
