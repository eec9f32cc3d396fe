import type { EventEnvelope } from '../events/event-envelope';
import type { IterateStreamOptions, ReadStreamOptions } from './event-store';
import { resolvePageSize, resolveStreamRange } from './read-options';

/**
 * A stream of any length, read `batchSize` events per call of `read` (one round trip
 * each), in the range and direction of `options`. @internal
 */
export async function* iteratePages(
  read: (page: ReadStreamOptions) => Promise<EventEnvelope[]>,
  options: IterateStreamOptions,
  defaultBatchSize: number,
): AsyncIterable<EventEnvelope> {
  const range = resolveStreamRange(options);
  const batchSize = resolvePageSize('batchSize', options.batchSize, defaultBatchSize);
  let remaining = range.limit ?? Number.POSITIVE_INFINITY;
  let next = range.fromVersion;
  while (remaining > 0) {
    const page = await read({
      fromVersion: next,
      toVersion: range.toVersion,
      direction: range.backwards ? 'backwards' : 'forwards',
      limit: Math.min(batchSize, remaining),
    });
    yield* page;
    remaining -= page.length;
    const last = page.at(-1);
    if (!last || page.length < batchSize) return;
    next = range.backwards ? last.version - 1 : last.version + 1;
    if (next < 1) return;
  }
}
