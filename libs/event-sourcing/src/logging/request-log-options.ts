import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { DestinationStream, Level, LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type { MessageContext } from '../events/message-context';
import { correlationIdOf } from '../http/correlation-id.middleware';
import { telemetryApi, tracingOn } from '../observability/telemetry-api';

/** How log lines are written. */
export type LogFormat = 'json' | 'pretty';

/** Options of {@link EventSourcingLoggerModule.forRoot}. */
export interface RequestLoggingOptions {
  /**
   * `json`: one JSON object per line, for a log collector; `pretty`: one readable line
   * per entry, for a terminal (needs the `pino-pretty` package; JSON without it).
   * Default: `json` when `NODE_ENV` is `production`, else `pretty`.
   */
  format?: LogFormat;
  /** The lowest level written. Default: `info`. */
  level?: Level;
  /**
   * Request paths that get no request line (their other log lines are still written).
   * Default: `['/health']`, which load balancers ask every few seconds.
   */
  quietPaths?: readonly string[];
  /** Where JSON lines go instead of standard output (a file, a test's stream); `format` is then ignored. */
  destination?: DestinationStream;
}

/** The name of the field each line's correlation id is written under. */
const CORRELATION_KEY = 'correlationId';

/** The path of a request's URL, without its query string (which may hold personal data). */
function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/**
 * The active span's trace and span ids, when OpenTelemetry records (docs/observability.md),
 * so that a log line finds its trace; nothing otherwise, at the cost of a few reads.
 */
function traceFields(): Record<string, string> {
  if (!tracingOn()) return {};
  const api = telemetryApi()!;
  const span = api.trace.getSpanContext(api.context.active());
  return span && api.trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
}

/** The format asked for, or the one of the environment. @internal */
export function resolveFormat(format: LogFormat | undefined, env: NodeJS.ProcessEnv = process.env): LogFormat {
  return format ?? (env.NODE_ENV === 'production' ? 'json' : 'pretty');
}

/**
 * Pino's options for requests and every other line: the request's correlation id (the one
 * `CorrelationIdMiddleware` echoes) on each line logged while it is handled, the current
 * correlation and causation ids on lines logged outside requests (subscribers, sagas),
 * and of a request only its method, path, status and duration: no header, query string
 * or body, which hold tokens and personal data. @internal
 */
export function requestLogOptions(messages: MessageContext, options: RequestLoggingOptions): PinoHttpOptions {
  const quiet = new Set(options.quietPaths ?? ['/health']);
  const base: LoggerOptions = {
    level: options.level ?? 'info',
    // Level names rather than numbers, and no process id or host name on every line.
    formatters: { level: (label) => ({ level: label }) },
    base: undefined,
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    mixin: (_object, _level, logger) => {
      const fields: Record<string, string> = traceFields();
      const ids = messages.current();
      if (!ids) return fields;
      if (!(CORRELATION_KEY in logger.bindings())) fields[CORRELATION_KEY] = ids.correlationId;
      if (ids.causationId) fields.causationId = ids.causationId;
      return fields;
    },
  };
  return {
    ...base,
    genReqId: (request: IncomingMessage) => correlationIdOf(request),
    // A request's other lines carry its id alone, not the request again.
    quietReqLogger: true,
    customAttributeKeys: { reqId: CORRELATION_KEY, responseTime: 'durationMs' },
    serializers: {
      req: (request: { method?: string; url?: string }) => ({ method: request.method, path: pathOf(request.url) }),
      res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
    },
    autoLogging: { ignore: (request) => quiet.has(pathOf(request.url)) },
    customLogLevel: (_request, response: ServerResponse, error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: (request, response) => `${request.method} ${pathOf(request.url)} ${response.statusCode}`,
    customErrorMessage: (request, response) => `${request.method} ${pathOf(request.url)} ${response.statusCode}`,
  };
}

/**
 * Where lines go: standard output as JSON, or through `pino-pretty` (synchronously, so a
 * line written just before the process ends is not lost). `undefined` means pino's own
 * standard output. @internal
 */
export function logDestination(format: LogFormat, load = createRequire(__filename)): DestinationStream | undefined {
  if (format === 'json') return undefined;
  let pretty: ((options: object) => DestinationStream) | undefined;
  try {
    const loaded = load('pino-pretty') as { default?: unknown };
    pretty = (typeof loaded === 'function' ? loaded : loaded.default) as typeof pretty;
  } catch {
    process.emitWarning('LOG_FORMAT pretty needs the pino-pretty package; logging JSON instead.');
    return undefined;
  }
  return pretty?.({
    sync: true,
    singleLine: true,
    colorize: process.stdout.isTTY === true,
    messageFormat: '{if context}[{context}] {end}{msg}',
    ignore: 'pid,hostname,context',
  });
}
