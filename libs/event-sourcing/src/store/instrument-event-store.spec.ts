import { SpanStatusCode, trace } from '@opentelemetry/api';
import { ConcurrencyError } from '../errors/concurrency-error';
import { TelemetryAttributes as A, TelemetryMetrics as M } from '../observability/telemetry-names';
import { describeEventStoreContract } from '../testing/event-store-contract';
import { InMemoryEventStore } from './in-memory/in-memory-event-store';
import { instrumentEventStore } from './instrument-event-store';
import {
  counterSum,
  startInMemoryTelemetry,
  type InMemoryTelemetry,
} from '../../../../test/support/in-memory-telemetry';

const deposited = (amount: number) => ({ type: 'test.deposited', data: { amount } });

describe('instrumentEventStore', () => {
  let telemetry: InMemoryTelemetry;
  beforeAll(() => (telemetry = startInMemoryTelemetry()));
  afterAll(() => telemetry.shutdown());
  beforeEach(() => telemetry.reset());

  const tracer = () => trace.getTracer('test');
  const inSpan = <T>(work: () => Promise<T>): Promise<T> =>
    tracer().startActiveSpan('command', async (span) => {
      try {
        return await work();
      } finally {
        span.end();
      }
    });

  it('stays the store it was', () => {
    const store = new InMemoryEventStore();
    expect(instrumentEventStore(store)).toBe(store);
    expect(store).toBeInstanceOf(InMemoryEventStore);
  });

  it('stores the append span’s traceparent in the metadata of every event appended in a span', async () => {
    const store = instrumentEventStore(new InMemoryEventStore());
    await inSpan(() =>
      store.append('account-1', [deposited(1), { ...deposited(2), metadata: { correlationId: 'c-1' } }], {
        expectedVersion: 'no_stream',
      }),
    );
    const append = telemetry.spans().find((s) => s.name === 'append account')!;
    const command = telemetry.spans().find((s) => s.name === 'command')!;
    expect(append.parentSpanContext?.spanId).toBe(command.spanContext().spanId);
    const { traceId, spanId } = append.spanContext();
    const events = await store.readStream('account-1');
    expect(events.map((e) => e.metadata)).toEqual([
      { traceparent: `00-${traceId}-${spanId}-01` },
      { correlationId: 'c-1', traceparent: `00-${traceId}-${spanId}-01` },
    ]);
    expect(append.attributes).toMatchObject({
      [A.STREAM_ID]: 'account-1',
      [A.STREAM_TYPE]: 'account',
      [A.EVENT_COUNT]: 2,
      [A.EXPECTED_VERSION]: 'no_stream',
      [A.STREAM_VERSION]: 2,
      [A.POSITION]: Number(events[1]!.position),
      [A.WRITTEN]: true,
    });
  });

  it('writes no trace context outside a span, nor over one the event brings', async () => {
    const store = instrumentEventStore(new InMemoryEventStore());
    const given = '00-11111111111111111111111111111111-2222222222222222-01';
    await store.append('account-2', [deposited(1)]);
    await inSpan(() => store.append('account-2', [{ ...deposited(2), metadata: { traceparent: given } }]));
    expect((await store.readStream('account-2')).map((e) => e.metadata)).toEqual([{}, { traceparent: given }]);
  });

  it('stamps the appends of a transaction too', async () => {
    const store = instrumentEventStore(new InMemoryEventStore());
    await inSpan(() =>
      store.transaction(async (tx) => {
        await tx.append('account-3', [deposited(1)]);
        await tx.append('account-4', [deposited(1)]);
      }),
    );
    const spans = telemetry.spans().filter((s) => s.name === 'append account');
    expect(spans).toHaveLength(2);
    for (const id of ['account-3', 'account-4']) {
      const [event] = await store.readStream(id);
      expect(event!.metadata.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
  });

  it('traces an append to several streams as one span, stamping every part once', async () => {
    const store = instrumentEventStore(new InMemoryEventStore());
    await inSpan(() =>
      store.appendMany([
        { streamId: 'account-5', events: [deposited(1)] },
        { streamId: 'account-6', events: [deposited(1), deposited(2)] },
      ]),
    );
    const many = telemetry.spans().filter((s) => s.name === 'append many');
    expect(many).toHaveLength(1);
    // The in-memory store appends through a transaction of its own: no span per part.
    expect(telemetry.spans().filter((s) => s.name === 'append account')).toHaveLength(0);
    expect(many[0]!.attributes).toMatchObject({ [A.EVENT_COUNT]: 3 });
    const { traceId, spanId } = many[0]!.spanContext();
    const stamped = [...(await store.readStream('account-5')), ...(await store.readStream('account-6'))];
    expect(stamped.map((e) => e.metadata.traceparent)).toEqual(Array(3).fill(`00-${traceId}-${spanId}-01`));
  });

  it('records a version conflict on the span and counts it, and counts appends and events by type', async () => {
    const store = instrumentEventStore(new InMemoryEventStore());
    const before = await telemetry.collect();
    await store.append('order-1', [deposited(1), { type: 'test.withdrawn', data: {} }]);
    await expect(store.append('order-1', [deposited(2)], { expectedVersion: 0 })).rejects.toThrow(ConcurrencyError);
    const failed = telemetry.spans().find((s) => s.status.code === SpanStatusCode.ERROR)!;
    expect(failed.name).toBe('append order');
    expect(failed.events.map((e) => e.name)).toEqual(['es.concurrency_conflict', 'exception']);
    expect(failed.events[0]!.attributes).toMatchObject({ [A.EXPECTED_VERSION]: '0', [A.STREAM_VERSION]: 2 });
    const after = await telemetry.collect();
    const delta = (name: string, where: Record<string, unknown>) =>
      counterSum(after, name, where) - counterSum(before, name, where);
    expect(delta(M.APPENDS, { [A.STREAM_TYPE]: 'order', [A.OUTCOME]: 'ok' })).toBe(1);
    expect(delta(M.APPENDS, { [A.STREAM_TYPE]: 'order', [A.OUTCOME]: 'conflict' })).toBe(1);
    expect(delta(M.APPEND_CONFLICTS, { [A.STREAM_TYPE]: 'order' })).toBe(1);
    expect(delta(M.EVENTS_APPENDED, { [A.EVENT_TYPE]: 'test.deposited' })).toBe(1);
    expect(delta(M.EVENTS_APPENDED, { [A.EVENT_TYPE]: 'test.withdrawn' })).toBe(1);
    const duration = after.find((m) => m.descriptor.name === M.APPEND_DURATION)!;
    expect(duration.descriptor.unit).toBe('s');
  });
});

describe('instrumentEventStore with the API but no SDK', () => {
  it('passes appends through: no trace context in metadata, even inside a (no-op) span', async () => {
    const store = instrumentEventStore(new InMemoryEventStore());
    await trace.getTracer('test').startActiveSpan('command', async (span) => {
      await store.append('account-9', [deposited(1)]);
      span.end();
    });
    expect((await store.readStream('account-9'))[0]!.metadata).toEqual({});
  });
});

// What the wrapper changes must not change what the store promises (no SDK is registered here).

describeEventStoreContract('in-memory, instrumented', async () => ({
  store: instrumentEventStore(new InMemoryEventStore({ maxEventSize: 64 * 1024 })),
  maxEventSize: 64 * 1024,
}));
