import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { ConcurrencyError } from '../errors/concurrency-error';
import { DomainError } from '../errors/domain-error';
import { EventSourcingError, type EventSourcingErrorCode } from '../errors/event-sourcing-error';
import { isDatabaseUnavailable } from './database-unavailable';
import { domainErrorValues } from './domain-error-values';
import type { FieldProblem, ProblemCode } from './problem-details';
import { fieldProblem } from './validation-problem';
import { ProblemException } from './problem.exception';

/** A problem before it is tied to a request (no instance, no correlation id yet). @internal */
export interface ProblemDescription {
  status: number;
  code: ProblemCode;
  title: string;
  detail: string;
  extensions: Record<string, unknown>;
  headers: Record<string, string>;
  /** How the filter logs it: client errors not at all, outages as warnings, bugs as errors. */
  log: 'none' | 'warn' | 'error';
  /**
   * A body of its own that an HttpException carries (a terminus health report, say):
   * sent as it is, with the status, instead of a problem.
   */
  ownBody?: object;
}

// Library errors that mean the caller sent something unusable.
const BAD_INPUT: ReadonlySet<EventSourcingErrorCode> = new Set([
  'ES_INVALID_STREAM_ID',
  'ES_INVALID_EVENT',
  'ES_EVENT_TOO_LARGE',
  'ES_INVALID_EXPECTED_VERSION',
  'ES_INVALID_QUERY',
  'ES_INVALID_TAG',
]);

const CODE_OF_STATUS: Readonly<Record<number, ProblemCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

const TITLES: Partial<Readonly<Record<ProblemCode, string>>> = {
  ES_CONCURRENCY: 'Version conflict',
  ES_DOMAIN_RULE: 'Business rule violated',
  ES_AGGREGATE_NOT_FOUND: 'Not found',
  ES_DUPLICATE_EVENT_ID: 'Duplicate event id',
  ES_TRANSACTION_CONFLICT: 'Transaction conflict',
  ES_INVALID_STREAM_ID: 'Invalid id',
  ES_INVALID_EVENT: 'Invalid event',
  ES_EVENT_TOO_LARGE: 'Event too large',
  ES_INVALID_EXPECTED_VERSION: 'Invalid expected version',
  ES_INVALID_QUERY: 'Invalid query',
  ES_INVALID_TAG: 'Invalid tag',
  ES_APPEND_CONDITION: 'Decision conflict',
  ES_WAIT_TIMEOUT: 'Read model not caught up',
  ES_AGGREGATE_DELETED: 'Deleted',
  ES_STREAM_TOMBSTONED: 'Deleted for good',
  ES_NATURAL_KEY_TAKEN: 'Already taken',
  ES_UNAUTHENTICATED: 'Not authenticated',
  ES_PERMISSION_DENIED: 'Permission denied',
  VALIDATION_FAILED: 'Invalid request',
  MALFORMED_JSON: 'Malformed JSON',
  JSON_TOO_DEEP: 'JSON nested too deep',
  FORBIDDEN_JSON_KEY: 'Forbidden JSON key',
  INVALID_TEXT: 'Invalid text',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  PRECONDITION_FAILED: 'Precondition failed',
  INVALID_IF_MATCH: 'Invalid If-Match header',
  INVALID_IDEMPOTENCY_KEY: 'Invalid Idempotency-Key header',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused',
  IDEMPOTENCY_KEY_IN_PROGRESS: 'Request in progress',
  DATABASE_UNAVAILABLE: 'Database unavailable',
  INTERNAL_ERROR: 'Internal server error',
};

const INTERNAL_DETAIL = 'An unexpected error occurred. It was logged with the correlation id of this response.';

/** Maps any error to the problem that answers it. @internal */
export function problemForError(error: unknown): ProblemDescription {
  if (error instanceof HttpException) return problemForHttpException(error);
  if (error instanceof EventSourcingError) return problemForLibraryError(error);
  if (isDatabaseUnavailable(error)) {
    return describe(503, 'DATABASE_UNAVAILABLE', 'The database cannot be reached right now; nothing was done. Retry.', {
      headers: { 'Retry-After': '5' },
      log: 'warn',
    });
  }
  return describe(500, 'INTERNAL_ERROR', INTERNAL_DETAIL, { log: 'error' });
}

function problemForLibraryError(error: EventSourcingError): ProblemDescription {
  if (error instanceof ConcurrencyError) {
    const extensions = { expectedVersion: error.expected, actualVersion: error.actual };
    // Not retryable: the expected version came from the caller's If-Match.
    return error.retryable
      ? describe(409, 'ES_CONCURRENCY', 'The resource changed concurrently and retrying did not resolve it. Retry.', {
          extensions,
        })
      : describe(
          412,
          'PRECONDITION_FAILED',
          `If-Match expected version ${String(error.expected)}, but the resource is at version ${error.actual}. Fetch it again and decide anew.`,
          { extensions, headers: { ETag: `"${error.actual}"` } },
        );
  }
  if (error instanceof DomainError) {
    const details = error.details.length ? { details: error.details.map((detail) => ({ ...detail })) } : {};
    return describe(error.conflict ? 409 : 422, error.code, error.message, {
      extensions: { ...domainErrorValues(error), rule: error.rule, ...details },
    });
  }
  if (error.code === 'ES_AGGREGATE_NOT_FOUND') return describe(404, error.code, error.message);
  if (error.code === 'ES_UNAUTHENTICATED') {
    return describe(401, error.code, error.message, { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
  if (error.code === 'ES_PERMISSION_DENIED') return describe(403, error.code, error.message);
  if (BAD_INPUT.has(error.code)) return describe(400, error.code, error.message);
  if (error.code === 'ES_DUPLICATE_EVENT_ID') return describe(409, error.code, error.message);
  // Soft-deleted (restorable) or hard-deleted: the resource was there and is gone.
  if (error.code === 'ES_AGGREGATE_DELETED' || error.code === 'ES_STREAM_TOMBSTONED') {
    return describe(410, error.code, error.message);
  }
  if (error.code === 'ES_NATURAL_KEY_TAKEN') return describe(409, error.code, error.message);
  // What the decision read changed before its append: deciding again may succeed.
  if (error.code === 'ES_APPEND_CONDITION') return describe(409, error.code, error.message);
  // A deadlock victim, rolled back whole: running the request again is safe.
  if (error.code === 'ES_TRANSACTION_CONFLICT') return describe(409, error.code, error.message);
  // A read model that has not caught up with the caller's position in time (read-your-writes).
  if (error.code === 'ES_WAIT_TIMEOUT') {
    return describe(503, error.code, error.message, { headers: { 'Retry-After': '1' }, log: 'warn' });
  }
  if (
    error.code === 'ES_UNKNOWN_SUBSCRIBER' ||
    error.code === 'ES_PARKED_EVENT_NOT_FOUND' ||
    error.code === 'ES_STREAM_NOT_FOUND' ||
    error.code === 'ES_SUBJECT_NOT_FOUND'
  ) {
    return describe(404, error.code, error.message);
  }
  // Rebuilding a saga, say: understood, but not something that subscriber allows.
  if (error.code === 'ES_UNSUPPORTED_OPERATION' || error.code === 'ES_TENANT_RESET_MISSING') {
    return describe(422, error.code, error.message);
  }
  // Retrying a parked inbound message that is still invalid.
  if (error.code === 'ES_INVALID_INTEGRATION_MESSAGE') return describe(422, error.code, error.message);
  // Personal data of a subject that was forgotten: it can never be stored again.
  if (error.code === 'ES_SUBJECT_FORGOTTEN') return describe(410, error.code, error.message);
  if (error.code === 'ES_BROKER_UNAVAILABLE') return describe(503, error.code, error.message, { log: 'warn' });
  // Configuration, upcasting, unknown event types, missing handlers: bugs, not the caller's fault.
  return describe(500, 'INTERNAL_ERROR', INTERNAL_DETAIL, { log: 'error' });
}

function problemForHttpException(exception: HttpException): ProblemDescription {
  const status = exception.getStatus();
  const log = status >= 500 ? 'error' : 'none';
  if (exception instanceof ProblemException) {
    return describe(status, exception.code, exception.detail, {
      extensions: { ...exception.extensions },
      headers: { ...exception.headers },
      log,
    });
  }
  const cause = exception.cause as { type?: unknown; limit?: unknown } | undefined;
  // Express's body parser errors reach filters as HttpExceptions whose cause is the parser's error.
  if (status === 400 && cause?.type === 'entity.parse.failed') {
    return describe(400, 'MALFORMED_JSON', `The request body is not valid JSON: ${exception.message}`);
  }
  if (status === 413) {
    const limit = typeof cause?.limit === 'number' ? ` of ${cause.limit} bytes` : '';
    return describe(413, 'PAYLOAD_TOO_LARGE', `The request body is over the limit${limit}.`);
  }
  const response = exception.getResponse();
  // Nest's own bodies are { statusCode, message, error? }; any other object is the
  // route's deliberate answer (a 503 health report of @nestjs/terminus), kept as it is.
  if (typeof response === 'object' && !('statusCode' in response && 'message' in response)) {
    return { ...describe(status, CODE_OF_STATUS[status] ?? `HTTP_${status}`, exception.message), ownBody: response };
  }
  const messages = typeof response === 'object' ? (response as { message?: unknown }).message : undefined;
  // ValidationPipe without validationProblem as its exceptionFactory: a 400 listing its
  // messages, which start with the property's path ("amount must be an integer number").
  if (status === 400 && Array.isArray(messages)) {
    const errors: FieldProblem[] = messages.map((message) => {
      const text = String(message);
      return fieldProblem(text.split(' ')[0] ?? '', text);
    });
    return describe(400, 'VALIDATION_FAILED', messages.map(String).join('; '), { extensions: { errors } });
  }
  const detail = status >= 500 ? INTERNAL_DETAIL : exception.message;
  return describe(status, CODE_OF_STATUS[status] ?? `HTTP_${status}`, detail, { log });
}

function describe(
  status: number,
  code: ProblemCode,
  detail: string,
  more: Partial<Pick<ProblemDescription, 'extensions' | 'headers' | 'log'>> = {},
): ProblemDescription {
  return {
    status,
    code,
    title: TITLES[code] ?? STATUS_CODES[status] ?? 'Error',
    detail,
    extensions: more.extensions ?? {},
    headers: more.headers ?? {},
    log: more.log ?? 'none',
  };
}
