import type { ServerResponse } from 'node:http';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { formatETag } from './etag';

/**
 * Sets `ETag: "<version>"` on responses whose body has a numeric `version` (what
 * aggregate commands answer), so that clients can send it back as `If-Match`.
 * @example
 * @Controller('accounts')
 * @UseInterceptors(VersionETagInterceptor)
 * export class AccountsController {}
 */
@Injectable()
export class VersionETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<ServerResponse>();
    return next.handle().pipe(
      map((body: unknown) => {
        const version = (body as { version?: unknown } | null | undefined)?.version;
        if (typeof version === 'number' && Number.isSafeInteger(version) && version >= 0 && !response.headersSent) {
          response.setHeader('ETag', formatETag(version));
        }
        return body;
      }),
    );
  }
}
