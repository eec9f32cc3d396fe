import { SpanKind, trace } from '@opentelemetry/api';
import type { EventEnvelope } from '../events/event-envelope';
import { TelemetryAttributes as A } from '../observability/telemetry-names';
import type { DeliveryContext, SubscriberDefinition } from './subscriber-definition';
import type { ResolvedSubscriberOptions } from './subscriber-options';
import { traceDeliveries } from './trace-deliveries';
import { startInMemoryTelemetry, type InMemoryTelemetry } from '../../../../test/support/in-memory-telemetry';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const stored = (spanId: string) => ({ traceparent: `00-${traceId}-${spanId}-01` });

function envelope(position: number, metadata: Record<string, unknown>): EventEnvelope {
  return {
    eventId: `00000000-0000-4000-8000-00000000000${position}`,
    streamId: 'account-1',
    version: position,
    position: BigInt(position),
    transactionId: 1n,
    type: 'test.deposited',
    revision: 1,
    data: {},
    metadata,
    tags: [],
    createdAt: new Date(),
  };
}

function definition(handled: string[]): SubscriberDefinition {
  return {
    name: 'balances',
    kind: 'projection',
    owner: 'Balances',
    types: ['test.deposited'],
    options: {} as ResolvedSubscriberOptions,
    transactional: true,
    rebuildable: true,
    // What the handler sees as its active span: the library's.
    handle: async () => void handled.push(trace.getActiveSpan()!.spanContext().spanId),
    handlePage: async () => void handled.push(trace.getActiveSpan()!.spanContext().spanId),
  };
}

const live: DeliveryContext = { manager: undefined, replaying: false, attempt: 1 };

describe('traceDeliveries', () => {
  let telemetry: InMemoryTelemetry;
  beforeAll(() => (telemetry = startInMemoryTelemetry()));
  afterAll(() => telemetry.shutdown());
  beforeEach(() => telemetry.reset());

  it('handles an event in a consumer span, child of the trace context stored with it', async () => {
    const handled: string[] = [];
    const traced = traceDeliveries(definition(handled));
    await traced.handle(envelope(7, stored('00f067aa0ba902b7')), { ...live, attempt: 2 });
    const [span] = telemetry.spans();
    expect(span!.name).toBe('projection balances');
    expect(span!.kind).toBe(SpanKind.CONSUMER);
    expect(span!.spanContext().traceId).toBe(traceId);
    expect(span!.parentSpanContext).toMatchObject({ spanId: '00f067aa0ba902b7', isRemote: true });
    expect(handled).toEqual([span!.spanContext().spanId]);
    expect(span!.attributes).toMatchObject({
      [A.SUBSCRIBER_NAME]: 'balances',
      [A.SUBSCRIBER_KIND]: 'projection',
      [A.EVENT_TYPE]: 'test.deposited',
      [A.STREAM_ID]: 'account-1',
      [A.POSITION]: 7,
      [A.DELIVERY_ATTEMPT]: 2,
      [A.REPLAYING]: false,
    });
  });

  it('starts a trace of its own for an event stored with none', async () => {
    const traced = traceDeliveries(definition([]));
    await traced.handle(envelope(1, {}), live);
    const [span] = telemetry.spans();
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.links).toEqual([]);
  });

  it('links a replayed event to its trace rather than joining it', async () => {
    const traced = traceDeliveries(definition([]));
    await traced.handle(envelope(1, stored('00f067aa0ba902b7')), { ...live, replaying: true });
    const [span] = telemetry.spans();
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.spanContext().traceId).not.toBe(traceId);
    expect(span!.links.map((link) => link.context.spanId)).toEqual(['00f067aa0ba902b7']);
  });

  it('handles a page whose events share one trace context in a span of that trace', async () => {
    const traced = traceDeliveries(definition([]));
    await traced.handlePage!([envelope(1, stored('1111111111111111')), envelope(2, stored('1111111111111111'))], live);
    const [span] = telemetry.spans();
    expect(span!.parentSpanContext?.spanId).toBe('1111111111111111');
    expect(span!.links).toEqual([]);
  });

  it('handles a page of several traces in one span linked to each distinct context of its events', async () => {
    const handled: string[] = [];
    const traced = traceDeliveries(definition(handled));
    const page = [
      envelope(1, stored('1111111111111111')),
      envelope(2, stored('1111111111111111')),
      envelope(3, stored('2222222222222222')),
      envelope(4, {}),
    ];
    await traced.handlePage!(page, live);
    const [span] = telemetry.spans();
    expect(span!.links.map((link) => link.context.spanId)).toEqual(['1111111111111111', '2222222222222222']);
    expect(span!.attributes).toMatchObject({ [A.EVENT_COUNT]: 4, [A.POSITION]: 4 });
    expect(handled).toEqual([span!.spanContext().spanId]);
  });

  it('marks the span of a handler that throws as failed and throws on', async () => {
    const failing = definition([]);
    failing.handle = () => Promise.reject(new Error('read model down'));
    await expect(traceDeliveries(failing).handle(envelope(1, {}), live)).rejects.toThrow('read model down');
    const [span] = telemetry.spans();
    expect(span!.status).toMatchObject({ code: 2, message: 'read model down' });
  });
});
