import { Controller, HttpCode, Optional, Post, Query } from '@nestjs/common';
import { PermissionReadModel, type PermissionRebuildResult } from '../access/permission-read-model';
import { requirePermissionReadModel } from '../access/permission-read-model-of';
import { AdminOnly } from '../http/admin-only.decorator';
import { JsonAnswer, OperatorRoutes, ProblemAnswer } from './openapi-docs';

/** `/admin/permissions` for operators: rebuilding the permissions read model; admin token. @internal */
@OperatorRoutes('The admin token is unset.')
@Controller('admin/permissions')
@AdminOnly()
export class OperatorPermissionsController {
  constructor(@Optional() private readonly readModel?: PermissionReadModel) {}

  /** Recomputes `es_permissions` (of one tenant with `?tenantId=`) from the events that grant and revoke. */
  @Post('rebuild')
  @HttpCode(200)
  @JsonAnswer(200, 'Rebuilt: the tenant (absent: all), the event types read, how many events were replayed.', {
    type: 'object',
    properties: {
      tenantId: { type: 'string' },
      types: { type: 'array', items: { type: 'string' } },
      events: { type: 'integer' },
    },
  })
  @ProblemAnswer(400, 'An empty tenant id (`ES_INVALID_QUERY`).')
  @ProblemAnswer(422, 'The app does not import `EventSourcingAccessModule` (`ES_UNSUPPORTED_OPERATION`).')
  async rebuild(@Query('tenantId') tenantId?: string): Promise<PermissionRebuildResult> {
    return requirePermissionReadModel(this.readModel).rebuild(tenantId === undefined ? {} : { tenantId });
  }
}
