import type { IncomingMessage, ServerResponse } from 'node:http';
import { Catch, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DomainError } from '../errors/domain-error';
import { MessageContext } from '../events/message-context';
import { CORRELATION_ID_HEADER, correlationIdOf } from './correlation-id.middleware';
import {
  resolveHttpOptions,
  type EventSourcingHttpOptions,
  type ResolvedHttpOptions,
} from './event-sourcing-http-options';
import { EVENT_SOURCING_HTTP_OPTIONS } from './event-sourcing-http.module-definition';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details';
import { acceptedLanguages } from './accepted-languages';
import { problemForError, type ProblemDescription } from './problem-for-error';
import { errorMessage, errorStack } from '../errors/error-message';

const STANDARD_MEMBERS: ReadonlySet<string> = new Set([
  'type',
  'title',
  'status',
  'detail',
  'code',
  'instance',
  'correlationId',
]);

/**
 * Answers every error of an HTTP request with an RFC 9457 `application/problem+json`
 * body ({@link ProblemDetails}) whose `code` is stable:
 *
 * - library errors by their code: bad input (`ES_INVALID_*`, `ES_EVENT_TOO_LARGE`,
 *   `ES_INVALID_QUERY`) 400, `ES_AGGREGATE_NOT_FOUND` 404, `ES_CONCURRENCY` 409 (or 412
 *   `PRECONDITION_FAILED` when the expected version came from If-Match), a
 *   `DomainError` 422 `ES_DOMAIN_RULE` with its `rule`, its `details` and its own
 *   fields, worded for the reader by `describeDomainError` when the app gives it;
 * - Nest's `HttpException`s keep their status; body-parser errors become
 *   `MALFORMED_JSON` (400) and `PAYLOAD_TOO_LARGE` (413), `ValidationPipe` errors
 *   `VALIDATION_FAILED` with `errors`; one that carries a body of its own shape (not
 *   Nest's `{ statusCode, message }`), such as a `@nestjs/terminus` health report, is
 *   sent as it is, since it is the route's answer rather than an error's description;
 * - an unreachable database 503 `DATABASE_UNAVAILABLE` with `Retry-After`;
 * - anything else 500 `INTERNAL_ERROR`, logged with its stack, and nothing of it in the body.
 *
 * `EventSourcingHttpModule` registers it globally; to register it yourself:
 * `app.useGlobalFilters(app.get(ProblemDetailsFilter))`.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');
  private readonly typeBase: string;
  private readonly describeDomainError: ResolvedHttpOptions['describeDomainError'];

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly context: MessageContext,
    @Inject(EVENT_SOURCING_HTTP_OPTIONS) options: EventSourcingHttpOptions,
  ) {
    const resolved = resolveHttpOptions(options);
    this.typeBase = resolved.problemTypeBase;
    this.describeDomainError = resolved.describeDomainError;
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    // Other transports (microservices, websockets) have their own error conventions.
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<IncomingMessage>();
    const response = http.getResponse<ServerResponse>();
    const adapter = this.adapterHost.httpAdapter;
    const problem = this.worded(problemForError(exception), exception, request);
    const correlationId = this.correlationId(request, response);
    const path = String(adapter.getRequestUrl(request) ?? request.url ?? '/').split('?')[0] ?? '/';
    const where = `${request.method ?? ''} ${path} [${correlationId}]`;
    if (problem.log === 'error') {
      this.logger.error(`${where} failed`, errorStack(exception) ?? errorMessage(exception));
    } else if (problem.log === 'warn') {
      this.logger.warn(`${where}: ${problem.code} (${errorMessage(exception)})`);
    }
    if (adapter.isHeadersSent(response)) {
      // Too late for a problem body: end what was started.
      response.end();
      return;
    }
    if (problem.ownBody) {
      adapter.reply(response, problem.ownBody, problem.status);
      return;
    }
    const extensions = Object.fromEntries(Object.entries(problem.extensions).filter(([k]) => !STANDARD_MEMBERS.has(k)));
    const body: ProblemDetails = {
      type: this.typeBase + problem.code.toLowerCase().replaceAll('_', '-'),
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      code: problem.code,
      instance: path,
      correlationId,
      ...extensions,
    };
    for (const [name, value] of Object.entries(problem.headers)) adapter.setHeader(response, name, value);
    adapter.setHeader(response, 'Content-Type', PROBLEM_CONTENT_TYPE);
    adapter.reply(response, body, problem.status);
  }

  /** A broken rule in the reader's words, when the app gives them (`describeDomainError`). */
  private worded(problem: ProblemDescription, exception: unknown, request: IncomingMessage): ProblemDescription {
    if (!this.describeDomainError || !(exception instanceof DomainError)) return problem;
    const languages = acceptedLanguages(request.headers['accept-language']);
    const described = this.describeDomainError(exception, { languages });
    if (!described) return problem;
    return {
      ...problem,
      detail: described.detail ?? problem.detail,
      extensions: described.details ? { ...problem.extensions, details: described.details } : problem.extensions,
      headers: described.language ? { ...problem.headers, 'Content-Language': described.language } : problem.headers,
    };
  }

  // Errors before the correlation middleware ran (a malformed body) still get an id.
  private correlationId(request: IncomingMessage, response: ServerResponse): string {
    const current = this.context.current()?.correlationId;
    const sent = response.getHeader(CORRELATION_ID_HEADER);
    const id = current ?? (typeof sent === 'string' ? sent : correlationIdOf(request));
    if (!response.headersSent) response.setHeader(CORRELATION_ID_HEADER, id);
    return id;
  }
}
