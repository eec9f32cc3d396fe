import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { requireAggregateMetadata } from '../aggregates/aggregate.decorator';
import { PermissionGuard } from './permission.guard';
import { REQUIRED_PERMISSION, type RequiredPermission } from './required-permission';

/**
 * Guards a route: the request's actor must hold `action` on the aggregate whose id is
 * the route parameter `param` (default `id`), else 403 `ES_PERMISSION_DENIED`; a
 * missing or invalid token is 401. When the check fails and the aggregate does not
 * exist (or is another tenant's), the answer is 404 `ES_AGGREGATE_NOT_FOUND` instead, so
 * a stranger learns nothing of it. Needs `EventSourcingAccessModule`. A route check
 * runs before the command; for a write, check in the handler too
 * (`PermissionChecker.require`), which holds against a concurrent revocation.
 * @throws ConfigurationError at boot for a class without `@Aggregate`.
 * @example
 * @Post(':id/items')
 * @RequirePermission('edit', TodoList)
 * addItem(@Param('id') id: string, @Body() body: ItemTextDto) { ... }
 */
export function RequirePermission(
  action: string,
  aggregate: string | (abstract new (...args: never[]) => unknown),
  param = 'id',
): MethodDecorator & ClassDecorator {
  const aggregateType = typeof aggregate === 'string' ? aggregate : requireAggregateMetadata(aggregate).streamType;
  const required: RequiredPermission = { action, aggregateType, param };
  return applyDecorators(SetMetadata(REQUIRED_PERMISSION, required), UseGuards(PermissionGuard));
}
