import {
  BadRequestException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  type PipeTransform,
} from '@nestjs/common';
import { AdminOnly } from '../http/admin-only.decorator';
import { Subscriptions } from '../subscriptions/subscriptions';
import { JsonAnswer, listSchema, NoContentAnswer, OperatorRoutes, ProblemAnswer } from './openapi-docs';
import { parkedView, statusView } from './operator-views';

/**
 * The id of a parked record: an event id (a UUID), or the message id of a parked inbound
 * message, which a sender chose (a payment reference, say). @internal
 */
class ParkedIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (value.length === 0 || value.length > 512) throw new BadRequestException('The id must be 1 to 512 characters.');
    return value;
  }
}

/**
 * `/admin/subscriptions` for operators: the durable subscribers' status, rebuilds, and
 * parked events; admin token, like `/events`. @internal
 */
@OperatorRoutes(
  'No such subscriber or parked event (`ES_UNKNOWN_SUBSCRIBER`, `ES_PARKED_EVENT_NOT_FOUND`), or the admin token is unset.',
)
@Controller('admin/subscriptions')
@AdminOnly()
export class OperatorSubscriptionsController {
  constructor(private readonly subscriptions: Subscriptions) {}

  /** Every subscriber: state, position, lag, the instance running it, what holds it back, rebuild progress. */
  @Get()
  @JsonAnswer(200, 'Every subscriber; positions as strings.', listSchema('subscribers'))
  async status(): Promise<{ subscribers: unknown[] }> {
    return { subscribers: (await this.subscriptions.status()).map(statusView) };
  }

  /** Rebuilds every async projection; poll the status for progress. */
  @Post('rebuild')
  @HttpCode(202)
  @JsonAnswer(202, 'The projections, rebuilding; handlers and sagas are never rebuilt.', listSchema('subscribers'))
  @ProblemAnswer(422, 'One is paused (`ES_UNSUPPORTED_OPERATION`); those before it rebuild.')
  async rebuildAll(): Promise<{ subscribers: unknown[] }> {
    return { subscribers: (await this.subscriptions.rebuildAll()).map(statusView) };
  }

  /** Resets a projection's read model and replays every event into it; poll the status for progress. */
  @Post(':name/rebuild')
  @HttpCode(202)
  @JsonAnswer(202, "The subscriber's status, rebuilding.", { type: 'object' })
  @ProblemAnswer(422, 'A saga, which is never rebuilt (`ES_UNSUPPORTED_OPERATION`).')
  async rebuild(@Param('name') name: string): Promise<unknown> {
    return statusView(await this.subscriptions.rebuild(name));
  }

  /** Resets one tenant's rows of a projection and replays that tenant's events; done when it answers. */
  @Post(':name/tenants/:tenantId/rebuild')
  @HttpCode(200)
  @JsonAnswer(200, 'Rebuilt: the projection, the tenant, and how many events were replayed.', {
    type: 'object',
    properties: { name: { type: 'string' }, tenantId: { type: 'string' }, events: { type: 'integer' } },
  })
  @ProblemAnswer(
    422,
    'Not an async projection (`ES_UNSUPPORTED_OPERATION`), or one without `resetTenant` (`ES_TENANT_RESET_MISSING`).',
  )
  async rebuildTenant(@Param('name') name: string, @Param('tenantId') tenantId: string): Promise<unknown> {
    return this.subscriptions.rebuildTenant(name, tenantId);
  }

  /** Events a subscriber gave up on, with their errors. */
  @Get('parked')
  @JsonAnswer(200, 'Every parked event, with its error; positions as strings.', listSchema('parked'))
  async parked(): Promise<{ parked: unknown[] }> {
    return { parked: (await this.subscriptions.parked()).map(parkedView) };
  }

  /** Tries a parked event again: the subscriber resumes at it, or handles it now. */
  @Post(':name/parked/:eventId/retry')
  @HttpCode(200)
  @JsonAnswer(200, 'resumed: the subscriber goes on from it; handled: done now.', {
    type: 'object',
    properties: { outcome: { type: 'string', enum: ['resumed', 'handled'] } },
  })
  @ProblemAnswer(400, 'The id is empty or too long.')
  async retry(
    @Param('name') name: string,
    @Param('eventId', new ParkedIdPipe()) eventId: string,
  ): Promise<{ outcome: 'resumed' | 'handled' }> {
    return { outcome: await this.subscriptions.retryParked(name, eventId) };
  }

  /** Gives up on a parked event for good. */
  @Delete(':name/parked/:eventId')
  @HttpCode(204)
  @NoContentAnswer('Dismissed.')
  @ProblemAnswer(400, 'The id is empty or too long.')
  async dismiss(@Param('name') name: string, @Param('eventId', new ParkedIdPipe()) eventId: string): Promise<void> {
    await this.subscriptions.dismissParked(name, eventId);
  }
}
