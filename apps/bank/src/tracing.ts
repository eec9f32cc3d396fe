import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The bank's tracing, as an application wires it: an OpenTelemetry SDK registered
 * before the app is created, here only when `OTEL_TRACES_EXPORTER=console` (the SDK's
 * own variable), printing each span to stdout as it ends. The library needs nothing
 * more: its request, command, append and subscriber spans go to whatever provider is
 * registered. For a collector, use `@opentelemetry/sdk-node` with an OTLP exporter
 * instead (docs/observability.md). Each span is printed when it ends: nothing to flush.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): void {
  if (env.OTEL_TRACES_EXPORTER !== 'console') return;
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] });
  // Parent and child spans across awaits, and the caller's `traceparent` header read.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
}
