import type { EventSourcingErrorCode } from '../errors/event-sourcing-error';

/** The media type of an RFC 9457 problem response. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The stable `code` of a problem response: a library error's code (`ES_CONCURRENCY`,
 * `ES_DOMAIN_RULE`, ...), one of the HTTP layer's own, or an application's (any other
 * string, upper snake case by convention). Clients match on it, never on `title` or
 * `detail`, which may be reworded.
 */
export type ProblemCode =
  | EventSourcingErrorCode
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'JSON_TOO_DEEP'
  | 'FORBIDDEN_JSON_KEY'
  | 'INVALID_TEXT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'INVALID_IF_MATCH'
  | 'INVALID_IDEMPOTENCY_KEY'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_PROGRESS'
  | 'UNPROCESSABLE_ENTITY'
  | 'TOO_MANY_REQUESTS'
  | 'DATABASE_UNAVAILABLE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR'
  | `HTTP_${number}`
  // Any other string, while editors still suggest the known ones.
  | (string & Record<never, never>);

/** One field that failed validation, in a `VALIDATION_FAILED` problem's `errors`. */
export interface FieldProblem {
  /** Path of the field in the body or query, e.g. `amount` or `items.0.text`. */
  field: string;
  /** The same path as a JSON pointer fragment (RFC 6901), e.g. `#/items/0/text`. */
  pointer: string;
  /** What is wrong with it. */
  detail: string;
}

/**
 * An RFC 9457 problem details body, as every error response of the HTTP helpers has it.
 * Extension members (`errors`, `expectedVersion`, `rule`, ...) sit beside the standard ones.
 */
export interface ProblemDetails {
  /** A URI naming the kind of problem: the configured base followed by the code in kebab case. */
  type: string;
  /** A short summary of the kind of problem; the same for every occurrence of a code. */
  title: string;
  /** The HTTP status code. */
  status: number;
  /** What went wrong this time, for a person. Never internals (stacks, SQL). */
  detail: string;
  /** The stable, machine-readable code. */
  code: ProblemCode;
  /** The path of the request. */
  instance: string;
  /** The request's correlation id, as in the `X-Correlation-Id` response header and the logs. */
  correlationId: string;
  [extension: string]: unknown;
}
