import type * as OpenTelemetryApi from '@opentelemetry/api';

/** The `@opentelemetry/api` module, as this library uses it. @internal */
export type TelemetryApi = typeof OpenTelemetryApi;

/** Loaded once: the module, or null when it is not installed. */
let loaded: TelemetryApi | null | undefined;

/**
 * `@opentelemetry/api`, when the application has it installed (an optional peer
 * dependency); undefined otherwise, and then the library records nothing. Without an
 * SDK registered the API is a no-op: its spans record nothing and are never sampled,
 * and nothing is written into event metadata. @internal
 */
export function telemetryApi(): TelemetryApi | undefined {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded when present
      loaded = require('@opentelemetry/api') as TelemetryApi;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/** The API's no-op tracer provider: what its proxy delegates to while none is registered. */
let noopTracers: OpenTelemetryApi.TracerProvider | undefined;

/**
 * Whether spans may record: `@opentelemetry/api` is there and a tracer provider is
 * registered (the API's global proxy delegates to its no-op provider until one is). A
 * few property reads, so that the library skips all of its tracing work, per append
 * too, when nothing records. @internal
 */
export function tracingOn(): boolean {
  const api = telemetryApi();
  if (!api) return false;
  noopTracers ??= new api.ProxyTracerProvider().getDelegate();
  const provider = api.trace.getTracerProvider();
  return !(provider instanceof api.ProxyTracerProvider) || provider.getDelegate() !== noopTracers;
}

/** The package's version, for the tracer's and meter's scope. */
let version: string | undefined;

/** The version of this package, read once from its package.json. @internal */
export function packageVersion(): string | undefined {
  if (version === undefined) {
    try {
      // src/observability and dist/observability both sit two folders below package.json.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- JSON, read once at run time
      version = (require('../../package.json') as { version: string }).version;
    } catch {
      version = '';
    }
  }
  return version || undefined;
}
