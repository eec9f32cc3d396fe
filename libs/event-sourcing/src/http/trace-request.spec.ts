import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { TelemetryAttributes as A } from '../observability/telemetry-names';
import { traceRequest } from './trace-request';
import { startInMemoryTelemetry, type InMemoryTelemetry } from '../../../../test/support/in-memory-telemetry';

function exchange(headers: Record<string, string> = {}) {
  const request = { method: 'POST', url: '/transfers?x=1', headers } as unknown as IncomingMessage & {
    route?: { path: string };
  };
  const response = Object.assign(new EventEmitter(), { statusCode: 200 }) as unknown as ServerResponse;
  return { request, response };
}

describe('traceRequest', () => {
  let telemetry: InMemoryTelemetry;
  beforeAll(() => (telemetry = startInMemoryTelemetry()));
  afterAll(() => telemetry.shutdown());
  beforeEach(() => telemetry.reset());

  it('runs the request in a server span continuing the caller’s trace, named by its route at the end', () => {
    const { request, response } = exchange({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    let inside: string | undefined;
    traceRequest(request, response, 'c-1', () => (inside = trace.getActiveSpan()?.spanContext().spanId));
    expect(telemetry.spans()).toEqual([]);
    request.route = { path: '/transfers' };
    response.statusCode = 503;
    response.emit('finish');
    response.emit('close');
    const [span] = telemetry.spans();
    expect(telemetry.spans()).toHaveLength(1);
    expect(span!.name).toBe('POST /transfers');
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.spanContext().spanId).toBe(inside);
    expect(span!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.path': '/transfers',
      'http.route': '/transfers',
      'http.response.status_code': 503,
      [A.CORRELATION_ID]: 'c-1',
    });
  });

  it('keeps the span an HTTP instrumentation made, adding the correlation id', () => {
    const { request, response } = exchange();
    trace.getTracer('http-instrumentation').startActiveSpan('POST', (made) => {
      let inside: unknown;
      traceRequest(request, response, 'c-2', () => (inside = trace.getActiveSpan()));
      expect(inside).toBe(made);
      made.end();
    });
    response.emit('finish');
    const spans = telemetry.spans();
    expect(spans.map((s) => s.name)).toEqual(['POST']);
    expect(spans[0]!.attributes[A.CORRELATION_ID]).toBe('c-2');
  });
});
