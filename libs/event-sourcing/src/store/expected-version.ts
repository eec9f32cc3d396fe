import type { ExpectedVersion } from '../errors/concurrency-error';
import { InvalidExpectedVersionError } from '../errors/invalid-expected-version-error';

// Declared beside the error that reports it, the lowest layer; stores and callers take it from here.
export type { ExpectedVersion };

const KEYWORDS: ReadonlySet<unknown> = new Set(['any', 'no_stream', 'stream_exists']);

/**
 * Checks a value given as `expectedVersion`, coming from a caller who may not use TypeScript.
 * @throws InvalidExpectedVersionError when it is neither a non-negative safe integer nor a keyword.
 * @internal
 */
export function assertExpectedVersion(value: unknown): asserts value is ExpectedVersion {
  if (KEYWORDS.has(value)) return;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return;
  throw new InvalidExpectedVersionError(value);
}

/**
 * Whether an append expecting `expected` could have been the one that stored events
 * right after version `base`: used to recognise a retry of an append already done.
 * @internal
 */
export function replayBaseMatches(expected: ExpectedVersion, base: number): boolean {
  if (typeof expected === 'number') return expected === base;
  return expected === 'no_stream' ? base === 0 : true;
}

/**
 * Whether a stream at `actual` (0 and `exists = false` when absent) satisfies `expected`.
 * @internal
 */
export function expectedVersionMatches(expected: ExpectedVersion, actual: number, exists: boolean): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return !exists || actual === 0;
    case 'stream_exists':
      return exists && actual > 0;
    default:
      return expected === actual;
  }
}
