import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, NotFoundException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { resolveHttpOptions, type EventSourcingHttpOptions } from './event-sourcing-http-options';
import { EVENT_SOURCING_HTTP_OPTIONS } from './event-sourcing-http.module-definition';
import { ProblemException } from './problem.exception';

/**
 * Lets a request through only with `Authorization: Bearer <adminToken>` (the option of
 * `EventSourcingHttpModule`): a missing or wrong token answers 401 `UNAUTHORIZED` with
 * `WWW-Authenticate: Bearer`. Without an `adminToken` the route is off and answers 404
 * `NOT_FOUND`, as if it did not exist. Tokens are compared in constant time.
 * Use it through {@link AdminOnly}.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(EVENT_SOURCING_HTTP_OPTIONS) options: EventSourcingHttpOptions) {
    const token = resolveHttpOptions(options).adminToken;
    this.expected = token === undefined ? undefined : digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    if (!this.expected) throw new NotFoundException(`Cannot ${request.method ?? 'GET'} ${request.url ?? '/'}`);
    const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (match?.[1] && timingSafeEqual(digest(match[1]), this.expected)) return true;
    throw new ProblemException(
      401,
      'UNAUTHORIZED',
      match ? 'The bearer token is not the admin token.' : 'Send Authorization: Bearer <ADMIN_TOKEN>.',
      { headers: { 'WWW-Authenticate': 'Bearer realm="admin"' } },
    );
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
