import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import {
  Injectable,
  Logger,
  Optional,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, concatMap, from, of, throwError, type Observable } from 'rxjs';
import { IdempotencyStore, type StoredResponse } from './idempotency-store';
import { ProblemException } from './problem.exception';
import { requestFingerprint } from './request-fingerprint';
import { errorMessage } from '../errors/error-message';
import { MessageContext } from '../events/message-context';

/** The request header that makes a request idempotent. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The response header that marks a replayed response. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

// Visible ASCII, as the IETF draft's sf-string allows; a UUID is the usual choice.
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;
// Methods that are not safe; GET, HEAD and OPTIONS change nothing and are never recorded.
const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
// Headers of the first response that a replay repeats; the body and status always are.
const REPLAYED_HEADERS = ['location', 'etag', 'content-location'];

/**
 * Makes requests with an `Idempotency-Key` header safe to repeat (IETF
 * draft-ietf-httpapi-idempotency-key-header): the first request with a key runs and its
 * 2xx response (status, JSON body, `Location`, `ETag`) is recorded; a repeat with the
 * same method, URL and body gets that response again, with `Idempotent-Replayed: true`,
 * and runs nothing. Otherwise:
 *
 * - the same key with another method, URL or body: 422 `IDEMPOTENCY_KEY_REUSED`;
 * - the same key while its first request still runs: 409 `IDEMPOTENCY_KEY_IN_PROGRESS`
 *   with `Retry-After: 1` (the key is claimed atomically, so two never both run);
 * - a request that fails (any error, 4xx or 5xx) records nothing and frees its key, so a
 *   corrected request may use it again;
 * - a malformed key (not 1 to 255 visible ASCII characters): 400 `INVALID_IDEMPOTENCY_KEY`.
 *
 * Requests without the header, and safe methods, pass through untouched. A key belongs
 * to its user and tenant (the `MessageContext` of the request, once authenticated): the
 * same key from another user or tenant is another key, which neither replays nor reveals
 * the first one's response. `EventSourcingHttpModule` registers it globally.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly store: IdempotencyStore,
    @Optional() private readonly context?: MessageContext,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<IncomingMessage & { body?: unknown; originalUrl?: string }>();
    const response = context.switchToHttp().getResponse<ServerResponse>();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER];
    const method = request.method ?? '';
    if (header === undefined || !UNSAFE_METHODS.has(method)) return next.handle();
    if (typeof header !== 'string' || !VALID_KEY.test(header)) {
      throw new ProblemException(
        400,
        'INVALID_IDEMPOTENCY_KEY',
        'Idempotency-Key must be one header of 1 to 255 visible ASCII characters; a UUID is a good key.',
      );
    }
    const key = this.scoped(header);
    const fingerprint = requestFingerprint(method, request.originalUrl ?? request.url ?? '', request.body);
    const claim = await this.store.claim(key, fingerprint);
    if (claim.outcome !== 'claimed') {
      if (claim.fingerprint !== fingerprint) {
        throw new ProblemException(
          422,
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used for a request with another method, URL or body. Use a new key for a new request.',
        );
      }
      if (claim.outcome === 'pending') {
        throw new ProblemException(
          409,
          'IDEMPOTENCY_KEY_IN_PROGRESS',
          'A request with this Idempotency-Key is still running. Retry shortly to get its response.',
          { headers: { 'Retry-After': '1' } },
        );
      }
      return of(replay(response, claim.response));
    }
    const { claimId } = claim;
    return next.handle().pipe(
      concatMap((body) => from(this.record(key, claimId, response, body)).pipe(concatMap(() => of(body)))),
      catchError((error: unknown) => from(this.release(key, claimId)).pipe(concatMap(() => throwError(() => error)))),
    );
  }

  /**
   * The stored key: the header as given for requests without a user or tenant (as
   * before authentication existed), else a digest of tenant, user and key, which fits
   * the key column whatever the header's length.
   */
  private scoped(header: string): string {
    const current = this.context?.current();
    const { tenantId, userId } = current ?? {};
    if (tenantId === undefined && userId === undefined) return header;
    return createHash('sha256')
      .update(JSON.stringify([tenantId ?? null, userId ?? null, header]))
      .digest('hex');
  }

  private async record(key: string, claimId: string, response: ServerResponse, body: unknown): Promise<void> {
    if (response.statusCode >= 400) return this.release(key, claimId);
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = response.getHeader(name);
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    try {
      await this.store.complete(key, claimId, { status: response.statusCode, headers, body: body ?? null });
    } catch (error) {
      // The work is done; failing the response now would invite a retry that does it twice.
      // The key stays pending until the pending timeout, so repeats get 409 until then.
      this.logger.warn(`Recording Idempotency-Key ${key} failed: ${errorMessage(error)}`);
    }
  }

  private async release(key: string, claimId: string): Promise<void> {
    try {
      await this.store.release(key, claimId);
    } catch (error) {
      // Without the release the key stays pending until the pending timeout.
      this.logger.warn(`Releasing Idempotency-Key ${key} failed: ${errorMessage(error)}`);
    }
  }
}

function replay(response: ServerResponse, stored: StoredResponse): unknown {
  response.statusCode = stored.status;
  for (const [name, value] of Object.entries(stored.headers)) response.setHeader(name, value);
  response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
  return stored.body;
}
