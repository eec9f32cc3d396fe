import type { EventEnvelope } from '../events/event-envelope';
import { InvalidQueryError } from '../errors/invalid-query-error';
import type { ReadStreamOptions } from './event-store';

/** A stream read's options, checked. @internal */
export interface StreamRange {
  fromVersion: number | undefined;
  toVersion: number | undefined;
  backwards: boolean;
  limit: number | undefined;
}

/**
 * Checks the options of a stream read.
 * @throws InvalidQueryError naming the bad option.
 * @internal
 */
export function resolveStreamRange(options: ReadStreamOptions = {}): StreamRange {
  const { fromVersion, toVersion, direction = 'forwards', limit } = options;
  if (direction !== 'forwards' && direction !== 'backwards') {
    throw new InvalidQueryError('direction', direction, "use 'forwards' or 'backwards'");
  }
  for (const [name, value] of [
    ['fromVersion', fromVersion],
    ['toVersion', toVersion],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new InvalidQueryError(name, value, 'give a non-negative integer');
    }
  }
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new InvalidQueryError('limit', limit, 'give a positive integer');
  }
  return { fromVersion, toVersion, backwards: direction === 'backwards', limit };
}

/**
 * Picks the events of a stream's (version-ordered) events that a read asks for.
 * Backwards, `fromVersion` is the highest version read. @internal
 */
export function readStreamRange(events: readonly EventEnvelope[], options?: ReadStreamOptions): EventEnvelope[] {
  const { fromVersion, toVersion, backwards, limit } = resolveStreamRange(options);
  const upper = backwards ? fromVersion : toVersion;
  const lower = backwards ? toVersion : fromVersion;
  const picked = events.filter(
    (e) => (lower === undefined || e.version >= lower) && (upper === undefined || e.version <= upper),
  );
  if (backwards) picked.reverse();
  return limit === undefined ? picked : picked.slice(0, limit);
}

/**
 * A page size given as option `option` (`limit`, `batchSize`): `value`, or `fallback`
 * when absent.
 * @throws InvalidQueryError naming the option unless a positive integer.
 * @internal
 */
export function resolvePageSize(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidQueryError(option, value, 'give a positive integer');
  return value;
}
