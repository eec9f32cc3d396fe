import type { Span } from '@opentelemetry/api';
import { ConcurrencyError } from '../errors/concurrency-error';
import type { NewEvent } from '../events/event-envelope';
import { inSpan, positionAttribute } from '../observability/in-span';
import { libraryInstruments, recordAppend } from '../observability/library-metrics';
import { telemetryApi, tracingOn } from '../observability/telemetry-api';
import { TelemetryAttributes as A } from '../observability/telemetry-names';
import { formatTraceContext, inTrace, withTraceContext } from '../observability/trace-context';
import type {
  AppendManyOptions,
  AppendOptions,
  AppendResult,
  EventStore,
  EventStoreTransaction,
  StreamAppend,
} from './event-store';
import { defaultStreamType } from './prepared-append';

type Append = (streamId: string, events: readonly NewEvent[], options?: AppendOptions) => Promise<AppendResult>;

/**
 * Traces and counts the appends of a store, its transactions' included: each is a span
 * `append <stream type>` (stream id, event count, expected version, resulting version
 * and position; a version conflict as an `es.concurrency_conflict` event and status
 * ERROR) and counts in the append metrics. Appended inside a valid span context, each
 * event's metadata gets the append span's `traceparent` (and `tracestate`), so what
 * handles the event later continues the trace. Patches the instance in place, so it
 * stays what it was (`instanceof` holds); without `@opentelemetry/api` it is left
 * untouched. @internal
 */
export function instrumentEventStore<S extends EventStore>(store: S): S {
  if (!telemetryApi()) return store;
  const append = store.append.bind(store);
  const appendMany = store.appendMany.bind(store);
  const transaction = store.transaction.bind(store);
  // Set while the store's own append starts: the in-memory store appends through a
  // transaction of its own, whose append must not count twice. Synchronous, so no other
  // call can see it (a retry after a lost deadlock, later, does count twice).
  let ownTransaction = false;
  store.append = traceAppends((streamId, events, options) => {
    ownTransaction = true;
    try {
      return append(streamId, events, options);
    } finally {
      ownTransaction = false;
    }
  });
  store.appendMany = traceAppendMany((appends, options) => {
    ownTransaction = true;
    try {
      return appendMany(appends, options);
    } finally {
      ownTransaction = false;
    }
  });
  store.transaction = <T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T> => {
    const own = ownTransaction;
    ownTransaction = false;
    return transaction((tx) => {
      if (!own) tx.append = traceAppends(tx.append.bind(tx));
      return work(tx);
    });
  };
  return store;
}

function traceAppends(append: Append): Append {
  return (streamId, events, options) => {
    if (!tracingOn() && !libraryInstruments()) return append(streamId, events, options);
    const streamType = options?.streamType ?? (typeof streamId === 'string' ? defaultStreamType(streamId) : '');
    const expected = options?.expectedVersion ?? 'any';
    const attributes = {
      [A.STREAM_ID]: String(streamId),
      [A.STREAM_TYPE]: streamType,
      [A.EVENT_COUNT]: Array.isArray(events) ? events.length : 0,
      [A.EXPECTED_VERSION]: expected,
    };
    // Only work that is traced already carries its context on: an append alone starts no trace in events.
    const traced = inTrace();
    return inSpan(`append ${streamType}`, { attributes }, async (span) => {
      const started = performance.now();
      const seconds = (): number => (performance.now() - started) / 1000;
      try {
        const result = await append(streamId, traced ? stamped(events, span) : events, options);
        span?.setAttributes({
          [A.STREAM_VERSION]: result.streamVersion,
          [A.POSITION]: positionAttribute(result.position),
          [A.WRITTEN]: result.written,
        });
        recordAppend(
          streamType,
          'ok',
          seconds(),
          events.map((event) => event.type),
        );
        return result;
      } catch (error) {
        const conflict = error instanceof ConcurrencyError;
        recordAppend(streamType, conflict ? 'conflict' : 'error', seconds(), []);
        // The span is marked failed by inSpan; a conflict says which versions met.
        if (conflict && span) {
          span.addEvent('es.concurrency_conflict', {
            [A.EXPECTED_VERSION]: String(error.expected),
            [A.STREAM_VERSION]: error.actual,
          });
        }
        throw error;
      }
    });
  };
}

type AppendMany = (appends: readonly StreamAppend[], options?: AppendManyOptions) => Promise<AppendResult[]>;

/** As {@link traceAppends}, for one append to several streams: one span `append many`, metrics per stream. */
function traceAppendMany(appendMany: AppendMany): AppendMany {
  return (appends, options) => {
    if (!tracingOn() && !libraryInstruments()) return appendMany(appends, options);
    // Bad input goes to the store as it came, to be refused there.
    const given: unknown = appends;
    const parts = Array.isArray(given) ? (given as StreamAppend[]) : [];
    const streamTypeOf = (part: StreamAppend): string =>
      part?.streamType ?? (typeof part?.streamId === 'string' ? defaultStreamType(part.streamId) : '');
    const events = parts.reduce((sum, part) => sum + (Array.isArray(part?.events) ? part.events.length : 0), 0);
    const traced = inTrace();
    return inSpan('append many', { attributes: { [A.EVENT_COUNT]: events } }, async (span) => {
      const started = performance.now();
      const seconds = (): number => (performance.now() - started) / 1000;
      try {
        const stampedParts = traced ? parts.map((part) => ({ ...part, events: stamped(part.events, span) })) : appends;
        const results = await appendMany(stampedParts, options);
        const last = results.at(-1);
        if (last) span?.setAttributes({ [A.POSITION]: positionAttribute(last.position) });
        for (const part of parts) {
          recordAppend(
            streamTypeOf(part),
            'ok',
            seconds(),
            part.events.map((event) => event.type),
          );
        }
        return results;
      } catch (error) {
        const outcome = error instanceof ConcurrencyError ? 'conflict' : 'error';
        for (const part of parts) recordAppend(streamTypeOf(part), outcome, seconds(), []);
        throw error;
      }
    });
  };
}

/** The events with the span's trace context in their metadata; as they are without a valid one. */
function stamped(events: readonly NewEvent[], span: Span | undefined): readonly NewEvent[] {
  const context = span?.spanContext();
  // Bad input (no array, no object) goes to the store as it came, to be refused there.
  const given: unknown = events;
  if (!context || !telemetryApi()!.trace.isSpanContextValid(context) || !Array.isArray(given)) return events;
  const trace = formatTraceContext(context);
  return (given as unknown[]).map((event) =>
    event !== null && typeof event === 'object'
      ? { ...event, metadata: withTraceContext((event as NewEvent).metadata, trace) }
      : event,
  ) as NewEvent[];
}
