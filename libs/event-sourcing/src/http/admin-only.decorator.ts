import { applyDecorators, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard';

/**
 * Marks a route (or every route of a controller) as an operator route, guarded by
 * {@link AdminTokenGuard}: `Authorization: Bearer <adminToken>` or 401, and 404 while no
 * `adminToken` is configured. Needs `EventSourcingHttpModule` imported.
 * @example
 * @Get('events')
 * @AdminOnly()
 * query(@Query() query: EventsQueryDto) { ... }
 */
export function AdminOnly(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(AdminTokenGuard));
}
