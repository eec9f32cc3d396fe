import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** A metric reader that collects when asked. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** An OpenTelemetry SDK registered globally, keeping spans and metrics in memory. */
export interface InMemoryTelemetry {
  /** The ended spans so far. */
  spans(): ReadableSpan[];
  /** Forgets the spans so far. */
  reset(): void;
  /** Collects the metrics now. */
  collect(): Promise<MetricData[]>;
  /** Unregisters it all. */
  shutdown(): Promise<void>;
}

/**
 * Registers, as an application's tracing set-up would before it creates the app: an
 * AsyncLocalStorage context manager, the W3C propagator, a tracer provider exporting to
 * memory and a meter provider with a reader that collects on demand.
 */
export function startInMemoryTelemetry(): InMemoryTelemetry {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    collect: async () => (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics),
    shutdown: async () => {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The id of a span's parent, if it has one. */
export function parentIdOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** The sum of a counter's data points whose attributes include `where`. */
export function counterSum(metricsData: MetricData[], name: string, where: Record<string, unknown> = {}): number {
  const metric = metricsData.find((m) => m.descriptor.name === name);
  if (!metric) return 0;
  return (metric.dataPoints as { attributes: Record<string, unknown>; value: unknown }[])
    .filter((point) => Object.entries(where).every(([key, value]) => point.attributes[key] === value))
    .reduce((sum, point) => sum + (typeof point.value === 'number' ? point.value : 0), 0);
}
