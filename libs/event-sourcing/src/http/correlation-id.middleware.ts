import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { MessageContext } from '../events/message-context';
import { traceRequest } from './trace-request';

/** The header that carries a correlation id in and out. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id given to each request, so the request logger and the middleware agree on it. */
const assigned = new WeakMap<IncomingMessage, string>();

/**
 * A request's correlation id: its header when that is a plain token, else a new UUID.
 * The same request always gets the same id, whoever asks first. @internal
 */
export function correlationIdOf(request: IncomingMessage): string {
  const known = assigned.get(request);
  if (known !== undefined) return known;
  const given = request.headers[CORRELATION_ID_HEADER];
  const id = typeof given === 'string' && ACCEPTED.test(given) ? given : randomUUID();
  assigned.set(request, id);
  return id;
}

/**
 * Gives every HTTP request a correlation id: the caller's `X-Correlation-Id` when it is a
 * plain token of up to 128 characters, else a new UUID. The id is echoed in the response
 * header and is the current one (`MessageContext`) while the request is handled, so the
 * commands it dispatches write it into every event's metadata. With OpenTelemetry, the
 * request also gets a server span (unless an HTTP instrumentation made one), parent of
 * the commands it dispatches (see docs/observability.md).
 * @example
 * export class AppModule implements NestModule {
 *   configure(consumer: MiddlewareConsumer) {
 *     consumer.apply(CorrelationIdMiddleware).forRoutes('*');
 *   }
 * }
 */
@Injectable()
export class CorrelationIdMiddleware implements NestMiddleware<IncomingMessage, ServerResponse> {
  constructor(private readonly context: MessageContext) {}

  use(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    const correlationId = correlationIdOf(request);
    response.setHeader(CORRELATION_ID_HEADER, correlationId);
    this.context.run({ correlationId }, () => traceRequest(request, response, correlationId, next));
  }
}
