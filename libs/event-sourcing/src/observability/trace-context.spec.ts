import { context, createTraceState, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import {
  continueTrace,
  currentTraceContext,
  formatTraceContext,
  parseTraceContext,
  withTraceContext,
} from './trace-context';
import { startInMemoryTelemetry, type InMemoryTelemetry } from '../../../../test/support/in-memory-telemetry';

const span: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context in event metadata', () => {
  let telemetry: InMemoryTelemetry;
  beforeAll(() => (telemetry = startInMemoryTelemetry()));
  afterAll(() => telemetry.shutdown());

  it('writes a span context in the W3C traceparent form, with its tracestate when it has one', () => {
    expect(formatTraceContext(span)).toEqual({ traceparent });
    expect(formatTraceContext({ ...span, traceState: createTraceState('vendor=a1,other=b2') })).toEqual({
      traceparent,
      tracestate: 'vendor=a1,other=b2',
    });
    expect(formatTraceContext({ ...span, traceFlags: TraceFlags.NONE }).traceparent).toMatch(/-00$/);
  });

  it('reads back what it wrote, as a remote span context', () => {
    const read = parseTraceContext({ traceparent, tracestate: 'vendor=a1' });
    expect(read).toMatchObject({ ...span, isRemote: true });
    expect(read?.traceState?.get('vendor')).toBe('a1');
  });

  it.each([
    ['no metadata', undefined],
    ['no traceparent', { correlationId: 'c-1' }],
    ['a traceparent that is no string', { traceparent: 42 }],
    ['another version', { traceparent: traceparent.replace(/^00/, '01') }],
    ['upper-case hex', { traceparent: traceparent.toUpperCase() }],
    ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` }],
    ['an all-zero span id', { traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01` }],
    ['trailing text', { traceparent: `${traceparent}-extra` }],
  ])('reads no span context from %s', (_label, metadata) => {
    expect(parseTraceContext(metadata)).toBeUndefined();
  });

  it('adds the trace context to metadata, keeping what is there, and never overwrites a traceparent', () => {
    const trace = { traceparent };
    expect(withTraceContext(undefined, trace)).toEqual({ traceparent });
    expect(withTraceContext({ correlationId: 'c-1' }, trace)).toEqual({ correlationId: 'c-1', traceparent });
    const stamped = { traceparent: '00-11111111111111111111111111111111-2222222222222222-01' };
    expect(withTraceContext(stamped, trace)).toBe(stamped);
    // What the store refuses reaches it as it was.
    const bad = ['not', 'an', 'object'] as unknown as Record<string, unknown>;
    expect(withTraceContext(bad, trace)).toBe(bad);
  });

  it('has no current trace context outside a span, and the span’s inside one', () => {
    expect(currentTraceContext()).toBeUndefined();
    trace.getTracer('test').startActiveSpan('outer', (outer) => {
      expect(currentTraceContext()?.traceparent).toBe(
        `00-${outer.spanContext().traceId}-${outer.spanContext().spanId}-01`,
      );
      outer.end();
    });
  });

  it('continues a stored trace: spans started in it are its children', () => {
    continueTrace({ traceparent }, () => {
      trace.getTracer('test').startSpan('child').end();
      expect(trace.getSpanContext(context.active())).toMatchObject({ traceId: span.traceId, isRemote: true });
    });
    const child = telemetry.spans().find((s) => s.name === 'child')!;
    expect(child.spanContext().traceId).toBe(span.traceId);
    expect(child.parentSpanContext?.spanId).toBe(span.spanId);
  });
});
