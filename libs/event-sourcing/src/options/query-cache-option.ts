import parseDuration from 'parse-duration';
import { ConfigurationError } from '../errors/configuration-error';

/** The module's `queryCache` option: keep `queryEvents` answers for a while. */
export interface QueryCacheOptions {
  /** How long an answer is reused: milliseconds, or a duration text (`'5 s'`). Default 5 s. */
  ttl?: number | string;
  /** Answers kept at most (least recently used dropped first). Default 100. */
  maxEntries?: number;
}

/** The `queryCache` option resolved; `ttlMs` 0 means off. @internal */
export interface QueryCacheSettings {
  ttlMs: number;
  maxEntries: number;
}

const OFF: QueryCacheSettings = Object.freeze({ ttlMs: 0, maxEntries: 0 });
/** The longest ttl: a day. Past it, an answer is no cache but a stale copy. */
const MAX_TTL_MS = 24 * 3600 * 1000;

/**
 * The `queryCache` option, checked: absent or `false`, off; `true` or an object, on.
 * @throws ConfigurationError for a ttl that is no duration from 1 ms to a day, or a bad `maxEntries`.
 * @internal
 */
export function resolveQueryCache(value: QueryCacheOptions | boolean | undefined): QueryCacheSettings {
  if (value === undefined || value === false) return OFF;
  const options = value === true ? {} : value;
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(`EventSourcingModule option queryCache must be true, false or { ttl, maxEntries }.`);
  }
  const ttl = options.ttl ?? 5000;
  const ttlMs = typeof ttl === 'string' ? parseDuration(ttl) : ttl;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) {
    throw new ConfigurationError(
      `EventSourcingModule option queryCache.ttl must be a duration from 1 ms to a day (such as 5000 or '5 s'), not ${String(ttl)}.`,
    );
  }
  const maxEntries = options.maxEntries ?? 100;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new ConfigurationError(
      `EventSourcingModule option queryCache.maxEntries must be a whole number >= 1, not ${String(maxEntries)}.`,
    );
  }
  return { ttlMs: Math.round(ttlMs), maxEntries };
}
