import type { IncomingMessage, ServerResponse } from 'node:http';
import { telemetryApi, tracingOn } from '../observability/telemetry-api';
import { libraryTracer } from '../observability/in-span';
import { TelemetryAttributes as A } from '../observability/telemetry-names';

/**
 * Runs the rest of a request's handling (`next`) in a server span, so that the commands
 * it dispatches are children of it. When an HTTP instrumentation made the request's
 * span already, that one is kept and only gets the correlation id. Otherwise the span
 * continues the caller's trace (the propagator's headers, W3C `traceparent` with the
 * SDK's default), is named `<METHOD> <route>` once the route is known, and ends with
 * the response. Without `@opentelemetry/api`, `next` runs as it is. @internal
 */
export function traceRequest(
  request: IncomingMessage,
  response: ServerResponse,
  correlationId: string,
  next: () => void,
): void {
  const api = telemetryApi();
  const tracer = libraryTracer();
  if (!api || !tracer || !tracingOn()) return next();
  const active = api.trace.getActiveSpan();
  if (active) {
    active.setAttribute(A.CORRELATION_ID, correlationId);
    return next();
  }
  const method = request.method ?? 'GET';
  const parent = api.propagation.extract(api.context.active(), request.headers);
  const span = tracer.startSpan(
    method,
    {
      kind: api.SpanKind.SERVER,
      attributes: {
        'http.request.method': method,
        'url.path': (request.url ?? '/').split('?')[0]!,
        [A.CORRELATION_ID]: correlationId,
      },
    },
    parent,
  );
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    // Express sets the matched route on the request; Nest's route paths are low in cardinality.
    const route = (request as { route?: { path?: unknown } }).route?.path;
    if (typeof route === 'string') {
      span.updateName(`${method} ${route}`);
      span.setAttribute('http.route', route);
    }
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
    span.end();
  };
  response.once('finish', end);
  response.once('close', end);
  api.context.with(api.trace.setSpan(parent, span), next);
}
