import type { IncomingMessage, ServerResponse } from 'node:http';
import { inputProblem } from './input-check';
import { ProblemException } from './problem.exception';

/** An Express-style middleware, as `app.use` takes it. @internal */
export type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Answers 415 `UNSUPPORTED_MEDIA_TYPE` for a request that carries a body whose
 * `Content-Type` is not JSON (`application/json` or `application/*+json`): a
 * form-encoded or text body never reaches a route that reads JSON. Requests without a
 * body (no `Content-Length`, or 0, and no `Transfer-Encoding`) pass whatever they say.
 * @internal
 */
export function jsonBodiesOnly(): Middleware {
  return function jsonBodiesOnly(request, _response, next) {
    if (!hasBody(request)) return next();
    const type = mediaType(request.headers['content-type']);
    if (type && isJsonType(type)) return next();
    next(
      new ProblemException(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `The request body is ${type ? `"${type}"` : 'of no stated type'}; this API reads JSON only. Send it with Content-Type: application/json.`,
        { headers: { 'Accept-Post': 'application/json' } },
      ),
    );
  };
}

/**
 * Runs after the JSON body parser: refuses a parsed body nested deeper than `maxDepth`
 * (400 `JSON_TOO_DEEP`), holding a `__proto__`, `constructor` or `prototype` key (400
 * `FORBIDDEN_JSON_KEY`) or a text PostgreSQL cannot store (400 `INVALID_TEXT`), before
 * validation and class-transformer walk it.
 * @internal
 */
export function checkJsonBodies(maxDepth: number): Middleware {
  return function checkJsonBodies(request, _response, next) {
    const { body } = request as IncomingMessage & { body?: unknown };
    if (body === undefined) return next();
    next(inputProblem(body, { label: 'the request body', field: '' }, maxDepth));
  };
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The media type of a `Content-Type` header, lower case, without parameters. @internal */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Whether a media type is JSON: `application/json` or a `+json` one. @internal */
export function isJsonType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
