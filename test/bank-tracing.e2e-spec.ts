import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { EventStore, Sagas, TelemetryAttributes as A, TelemetryMetrics as M } from 'nest-event-sourcing';
import { waitForCondition } from './support/app-process';
import { startBankApp, type BankTestApp } from './support/bank-app';
import { counterSum, parentIdOf, startInMemoryTelemetry, type InMemoryTelemetry } from './support/in-memory-telemetry';

// One transfer over HTTP, traced with an in-memory exporter as an application would
// register an SDK: the request, the transfer command, the saga (which runs later, from
// the store) and the account commands it dispatches all share one trace, through the
// trace context stored in event metadata and in the saga's outbox.
describe('bank app: traces and metrics of a transfer', () => {
  let telemetry: InMemoryTelemetry;
  let bank: BankTestApp;

  beforeAll(async () => {
    // Before the app is created, as a tracing set-up imported first in main.ts would be.
    telemetry = startInMemoryTelemetry();
    bank = await startBankApp('bank_tracing');
  });
  afterAll(async () => {
    await bank?.close();
    await telemetry?.shutdown();
  });

  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const callerSpanId = 'b7ad6b7169203331';

  it('traces POST /transfers through the saga and both account commands in one tree', async () => {
    const from = await bank.openAccount('A', 1000);
    const to = await bank.openAccount('B');
    const response = await bank
      .http()
      .post('/transfers')
      .set('traceparent', `00-${traceId}-${callerSpanId}-01`)
      .send({ fromAccountId: from, toAccountId: to, amount: 250 })
      .expect(202);
    const id = response.body.transferId as string;
    expect(await bank.transferOutcome(id)).toMatchObject({ status: 'completed' });
    const sagas = bank.app.get(Sagas);
    await waitForCondition(async () => (await sagas.findByCorrelation('transfer', id))?.status === 'completed', 10_000);

    const inTrace = (): ReadableSpan[] => telemetry.spans().filter((s) => s.spanContext().traceId === traceId);
    const named = (name: string): ReadableSpan[] => inTrace().filter((s) => s.name === name);
    // The saga's last step (TransferCompleted) ends a moment after the saga's status says so.
    await waitForCondition(
      async () => named('CompleteTransfer').length > 0 && named('saga transfer').length >= 4,
      10_000,
    );

    const spans = inTrace();
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    // A tree: one root, the request, whose parent is the caller's span; every other span's parent is in the trace.
    const roots = spans.filter((s) => !byId.has(parentIdOf(s)!));
    expect(roots.map((s) => [s.name, s.kind, parentIdOf(s)])).toEqual([
      ['POST /transfers', SpanKind.SERVER, callerSpanId],
    ]);
    const request = roots[0]!;
    expect(request.attributes).toMatchObject({ 'http.route': '/transfers', 'http.response.status_code': 202 });
    expect(request.attributes[A.CORRELATION_ID]).toBe(response.headers['x-correlation-id']);

    const ancestry = (span: ReadableSpan): string[] => {
      const names: string[] = [];
      for (let at = byId.get(parentIdOf(span)!); at; at = byId.get(parentIdOf(at)!)) names.push(at.name);
      return names;
    };
    const [requested] = named('RequestTransfer');
    expect(ancestry(requested!)).toEqual(['POST /transfers']);
    expect(requested!.attributes).toMatchObject({
      [A.COMMAND_NAME]: 'RequestTransfer',
      [A.CORRELATION_ID]: response.headers['x-correlation-id'],
    });
    const [debit] = named('DebitForTransfer');
    const [credit] = named('CreditForTransfer');
    // The debit: dispatched by the saga on TransferRequested, stored by the transfer command's append.
    expect(ancestry(debit!)).toEqual(['saga transfer', 'append transfer', 'RequestTransfer', 'POST /transfers']);
    // The credit: dispatched by the saga on the debit's MoneyWithdrawn.
    expect(ancestry(credit!).slice(0, 4)).toEqual([
      'saga transfer',
      'append account',
      'DebitForTransfer',
      'saga transfer',
    ]);
    expect(ancestry(credit!).at(-1)).toBe('POST /transfers');
    for (const command of [debit!, credit!]) {
      const children = spans.filter((s) => parentIdOf(s) === command.spanContext().spanId).map((s) => s.name);
      expect(children).toEqual(expect.arrayContaining(['load BankAccount', 'append account']));
    }
    const append = spans.find((s) => s.name === 'append account' && parentIdOf(s) === debit!.spanContext().spanId)!;
    expect(append.attributes).toMatchObject({
      [A.STREAM_ID]: `account-${from}`,
      [A.EVENT_COUNT]: 1,
      [A.WRITTEN]: true,
    });
    expect(typeof append.attributes[A.EXPECTED_VERSION]).toBe('number');
    // The accounts projection (pages, @OnPage) handled the debit from the store: in its
    // trace when its page held only this trace's events, else in a page linked to it.
    const appendId = append.spanContext().spanId;
    const projected = telemetry
      .spans()
      .filter((s) => s.name === 'projection bank-accounts')
      .filter((s) => parentIdOf(s) === appendId || s.links.some((link) => link.context.spanId === appendId));
    expect(projected).toHaveLength(1);
    expect(projected[0]!.kind).toBe(SpanKind.CONSUMER);

    // What is stored: the debit's event names its append span as parent.
    const [withdrawn] = await bank.app
      .get(EventStore)
      .queryEvents({ streams: [`account-${from}`], types: ['bank.money-withdrawn'] });
    expect(withdrawn!.metadata.traceparent).toBe(`00-${traceId}-${append.spanContext().spanId}-01`);
  });

  it('counts the appends, the events by type and the subscribers’ lag', async () => {
    const collected = await telemetry.collect();
    expect(counterSum(collected, M.APPENDS, { [A.STREAM_TYPE]: 'account', [A.OUTCOME]: 'ok' })).toBeGreaterThanOrEqual(
      4,
    );
    expect(counterSum(collected, M.EVENTS_APPENDED, { [A.EVENT_TYPE]: 'bank.money-withdrawn' })).toBe(1);
    expect(counterSum(collected, M.EVENTS_APPENDED, { [A.EVENT_TYPE]: 'bank.transfer-requested' })).toBe(1);
    const duration = collected.find((m) => m.descriptor.name === M.APPEND_DURATION)!;
    expect(duration.descriptor.unit).toBe('s');
    const lag = collected.find((m) => m.descriptor.name === M.SUBSCRIBER_LAG)!;
    const subscribers = lag.dataPoints.map((p) => p.attributes[A.SUBSCRIBER_NAME]);
    expect(subscribers).toEqual(expect.arrayContaining(['bank-accounts', 'transfer']));
    expect(collected.find((m) => m.descriptor.name === M.SUBSCRIBER_PARKED)!.dataPoints.length).toBe(
      subscribers.length,
    );
  });
});
