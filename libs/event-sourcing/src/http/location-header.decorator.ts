import type { ServerResponse } from 'node:http';
import { UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';

/**
 * Sets the `Location` header of a created resource from the response body: each
 * `:name` of the template is the body's `name` field, URI-encoded. Nothing is set when
 * a field is missing.
 * @example
 * @Post()
 * @LocationHeader('/accounts/:id')
 * open(@Body() body: OpenAccountDto) { return this.commands.execute(...); } // answers { id, ... }
 */
export function LocationHeader(template: string): MethodDecorator & ClassDecorator {
  return UseInterceptors(new LocationInterceptor(template));
}

/** The interceptor of {@link LocationHeader}. @internal */
export class LocationInterceptor implements NestInterceptor {
  constructor(private readonly template: string) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<ServerResponse>();
    return next.handle().pipe(
      map((body: unknown) => {
        const location = fill(this.template, body);
        if (location !== undefined && !response.headersSent) response.setHeader('Location', location);
        return body;
      }),
    );
  }
}

function fill(template: string, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  let missing = false;
  const location = template.replace(/:([A-Za-z_$][\w$]*)/g, (_match, name: string) => {
    const value = (body as Record<string, unknown>)[name];
    if (typeof value !== 'string' && typeof value !== 'number') {
      missing = true;
      return '';
    }
    return encodeURIComponent(String(value));
  });
  return missing ? undefined : location;
}
