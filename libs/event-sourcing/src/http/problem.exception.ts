import { HttpException } from '@nestjs/common';
import type { ProblemCode } from './problem-details';

/**
 * An HTTP exception that {@link ProblemDetailsFilter} answers as a problem with this
 * status, code and detail; `extensions` become extra members of the body and `headers`
 * response headers (say `Retry-After`).
 * @example
 * throw new ProblemException(409, 'IDEMPOTENCY_KEY_IN_PROGRESS', 'A request with this key is still running.', {
 *   headers: { 'Retry-After': '1' },
 * });
 */
export class ProblemException extends HttpException {
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super({ code, detail, ...options.extensions }, status, { cause: options.cause });
    // Nest would name the class; logs and test failures read better with the detail.
    this.message = detail;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}
