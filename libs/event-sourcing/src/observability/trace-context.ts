import type { Context, SpanContext } from '@opentelemetry/api';
import type { EventMetadata } from '../events/event-envelope';
import type { StoredTraceContext } from './stored-trace-context';
import { telemetryApi } from './telemetry-api';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C form of a span context. @internal */
export function formatTraceContext(span: SpanContext): StoredTraceContext {
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  const tracestate = span.traceState?.serialize();
  return {
    traceparent: `00-${span.traceId}-${span.spanId}-${flags}`,
    ...(tracestate ? { tracestate } : {}),
  };
}

/**
 * The span context a stored trace context names, marked remote; undefined for anything
 * that is not a valid version-00 `traceparent` (all-zero ids included). @internal
 */
export function parseTraceContext(stored: unknown): SpanContext | undefined {
  const api = telemetryApi();
  if (!api || stored === null || typeof stored !== 'object') return undefined;
  const { traceparent, tracestate } = stored as Partial<Record<keyof StoredTraceContext, unknown>>;
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent) : null;
  if (!match) return undefined;
  const span: SpanContext = {
    traceId: match[1]!,
    spanId: match[2]!,
    traceFlags: parseInt(match[3]!, 16),
    isRemote: true,
    ...(typeof tracestate === 'string' && tracestate !== '' ? { traceState: api.createTraceState(tracestate) } : {}),
  };
  return api.trace.isSpanContextValid(span) ? span : undefined;
}

/** Whether a valid span context is active (never without an SDK's context manager). @internal */
export function inTrace(): boolean {
  const api = telemetryApi();
  const span = api?.trace.getSpanContext(api.context.active());
  return span !== undefined && api!.trace.isSpanContextValid(span);
}

/** The trace context of the active span, when there is a valid one (never without an SDK). @internal */
export function currentTraceContext(): StoredTraceContext | undefined {
  const api = telemetryApi();
  if (!api) return undefined;
  const span = api.trace.getSpanContext(api.context.active());
  return span && api.trace.isSpanContextValid(span) ? formatTraceContext(span) : undefined;
}

/**
 * The metadata with the trace context added, unless it has a `traceparent` already
 * (an event appended again keeps the one of its first try), or is no plain object (the
 * store refuses it as it is). @internal
 */
export function withTraceContext(metadata: EventMetadata | undefined, trace: StoredTraceContext): EventMetadata {
  if (metadata === undefined) return { ...trace };
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return metadata;
  return typeof metadata.traceparent === 'string' ? metadata : { ...metadata, ...trace };
}

/** The context to run work in as a continuation of a stored trace context; `base` when there is none. @internal */
export function contextOf(stored: unknown, base: Context): Context {
  const api = telemetryApi();
  const span = parseTraceContext(stored);
  return api && span ? api.trace.setSpanContext(base, span) : base;
}

/** Runs `work` as a continuation of the stored trace context, if any. @internal */
export function continueTrace<T>(stored: unknown, work: () => T): T {
  const api = telemetryApi();
  if (!api || !stored) return work();
  return api.context.with(contextOf(stored, api.context.active()), work);
}
