import { streamPartition } from '../stream-partition';
import type { EventEnvelope, EventMetadata } from '../../events/event-envelope';
import type { NormalizedFilter, NormalizedQuery, TimeBound } from '../event-query';
import { carriesAll, queryTags } from '../tags';
import { START_OF_STORE, type GlobalCursor, type ReadAllOptions, type ReadAllResult } from '../event-store';

/** Whether an event satisfies every condition of one filter. @internal */
export function matchesFilter(e: EventEnvelope, streamType: string, f: NormalizedFilter, now: number): boolean {
  if (f.types.length && !f.types.includes(e.type)) return false;
  if (f.streams.length && !f.streams.includes(e.streamId)) return false;
  if (f.streamTypes.length && !f.streamTypes.includes(streamType)) return false;
  if (f.fromVersion !== undefined && e.version < f.fromVersion) return false;
  if (f.toVersion !== undefined && e.version > f.toVersion) return false;
  if (f.fromPosition !== undefined && e.position < f.fromPosition) return false;
  if (f.toPosition !== undefined && e.position > f.toPosition) return false;
  if (f.since && e.createdAt.getTime() < instant(f.since, now)) return false;
  if (f.until && e.createdAt.getTime() >= instant(f.until, now)) return false;
  if (f.correlationId !== undefined && e.metadata.correlationId !== f.correlationId) return false;
  if (f.tenantId !== undefined && e.metadata.tenantId !== f.tenantId) return false;
  return carriesAll(e.tags, f.tags);
}

/** Sorts a copy by global position, newest or oldest first. @internal */
export function orderForQuery(events: EventEnvelope[], order: 'newest-first' | 'oldest-first'): EventEnvelope[] {
  const sign = order === 'newest-first' ? -1 : 1;
  return [...events].sort((a, b) => (a.position < b.position ? -sign : a.position > b.position ? sign : 0));
}

function instant(bound: TimeBound, now: number): number {
  return 'at' in bound ? bound.at.getTime() : now - bound.agoMs;
}

/** Whether `e` comes after `cursor` in readAll's order. @internal */
export function isAfter(e: EventEnvelope, cursor: { transactionId: bigint; position: bigint }): boolean {
  return (
    e.transactionId > cursor.transactionId || (e.transactionId === cursor.transactionId && e.position > cursor.position)
  );
}

/** readAll's order: by transaction id, then position. @internal */
export function compareGlobal(a: EventEnvelope, b: EventEnvelope): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  return a.position < b.position ? -1 : a.position > b.position ? 1 : 0;
}

/**
 * Reads hand out copies, so a caller changing an event cannot change the store. Data
 * and metadata are JSON already; structuredClone would make objects of another realm
 * under jest. @internal
 */
export function copy(event: EventEnvelope): EventEnvelope {
  return {
    ...event,
    data: JSON.parse(JSON.stringify(event.data)) as unknown,
    metadata: JSON.parse(JSON.stringify(event.metadata)) as EventMetadata,
    tags: [...event.tags],
    createdAt: new Date(event.createdAt),
  };
}

/**
 * The committed events `readAll` may return, in its order: below `horizon`, after
 * `after`, of the types and carrying the tags asked for. Not copied. @internal
 */
export function readAllFrom(
  log: readonly EventEnvelope[],
  horizon: bigint,
  after: GlobalCursor,
  options: ReadAllOptions,
): EventEnvelope[] {
  const types = options.types?.length ? new Set(options.types) : undefined;
  const tags = options.tags?.length ? queryTags('tags', options.tags) : [];
  const partition = options.partition;
  return log
    .filter(
      (e) =>
        e.transactionId < horizon &&
        isAfter(e, after) &&
        (!types || types.has(e.type)) &&
        carriesAll(e.tags, tags) &&
        (!partition || streamPartition(e.streamId, partition.count) === partition.index),
    )
    .sort(compareGlobal);
}

/** `queryEvents` over the committed `log`, copied. @internal */
export function queryLog(
  log: readonly EventEnvelope[],
  streamTypeOf: (e: EventEnvelope) => string,
  query: NormalizedQuery,
): EventEnvelope[] {
  const now = Date.now();
  const matches = log.filter((e) => query.filters.some((f) => matchesFilter(e, streamTypeOf(e), f, now)));
  const ordered = orderForQuery(matches, query.order);
  return (query.limit === null ? ordered : ordered.slice(0, query.limit)).map(copy);
}

/** One page of `readAll` over the committed `log`, below `horizon`, copied. @internal */
export function readAllPage(
  log: readonly EventEnvelope[],
  horizon: bigint,
  options: ReadAllOptions,
  limit: number,
): ReadAllResult {
  const after = options.after ?? START_OF_STORE;
  const events = readAllFrom(log, horizon, after, options).slice(0, limit);
  const last = events.at(-1);
  return {
    events: events.map(copy),
    cursor: last ? { transactionId: last.transactionId, position: last.position } : after,
  };
}
