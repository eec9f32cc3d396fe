import type { Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import { errorMessage, errorStack } from '../errors/error-message';
import { packageVersion, telemetryApi, tracingOn } from './telemetry-api';
import { TELEMETRY_SCOPE } from './telemetry-names';

let tracer: Tracer | undefined;

/**
 * The library's tracer, or undefined without `@opentelemetry/api`. Taken once: the API's
 * tracers follow the global provider, so one registered later is used from then on. @internal
 */
export function libraryTracer(): Tracer | undefined {
  tracer ??= telemetryApi()?.trace.getTracer(TELEMETRY_SCOPE, packageVersion());
  return tracer;
}

/**
 * Runs `work` in a new active span (child of the active one, or of `parent`), ended when
 * it settles; an error is recorded on it (status ERROR) and thrown on. Without the API
 * or a tracer provider, `work` runs with no span. @internal
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span | undefined) => Promise<T>,
  parent?: Context,
): Promise<T> {
  const api = telemetryApi();
  const spans = libraryTracer();
  if (!api || !spans || !tracingOn()) return work(undefined);
  return spans.startActiveSpan(name, options, parent ?? api.context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed by `error`: status ERROR with its message, and an exception event. @internal */
export function failSpan(span: Span, error: unknown): void {
  const api = telemetryApi();
  if (!api || !span.isRecording()) return;
  // Described as the logs describe it: never a PostgreSQL message, which quotes values.
  const name = error instanceof Error ? error.name : 'Error';
  span.recordException({ name, message: errorMessage(error), stack: errorStack(error) });
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: errorMessage(error) });
}

/** A global position as an attribute value: a number while it is safe, else its text. @internal */
export function positionAttribute(position: bigint): number | string {
  return position <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(position) : position.toString();
}
