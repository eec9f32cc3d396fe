import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly, Subscriptions, type ParkedEvent, type SubscriberStatus } from 'nest-event-sourcing';
import { ApiProblem } from '../http/problem-response';

/** A list of objects under one key, for the docs (their members are the library's status types). */
function listOf(key: string, description: string): { description: string; schema: object } {
  return {
    description,
    schema: { type: 'object', properties: { [key]: { type: 'array', items: { type: 'object' } } } },
  };
}

/**
 * Operator routes over the durable subscribers (the accounts projection, the transfer
 * saga): their status, rebuilds, and parked events. Bearer `ADMIN_TOKEN`, like `/events`.
 */
@ApiTags('operator')
@ApiBearerAuth()
@ApiProblem(401, 'No or a wrong bearer token (`UNAUTHORIZED`).')
@ApiProblem(
  404,
  'No such subscriber or parked event (`ES_UNKNOWN_SUBSCRIBER`, `ES_PARKED_EVENT_NOT_FOUND`), or ADMIN_TOKEN is unset.',
)
@Controller('admin/subscriptions')
@AdminOnly()
export class SubscriptionsController {
  constructor(private readonly subscriptions: Subscriptions) {}

  /** Every subscriber: state, position, lag, the instance running it, rebuild progress. */
  @Get()
  @ApiOkResponse(listOf('subscribers', 'Every subscriber; positions as strings.'))
  async status(): Promise<{ subscribers: unknown[] }> {
    return { subscribers: (await this.subscriptions.status()).map(statusView) };
  }

  /** Resets a projection's read model and replays every event into it; poll the status for progress. */
  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: "The subscriber's status, rebuilding.", schema: { type: 'object' } })
  @ApiProblem(422, 'A saga, which is never rebuilt (`ES_UNSUPPORTED_OPERATION`).')
  async rebuild(@Param('name') name: string): Promise<unknown> {
    return statusView(await this.subscriptions.rebuild(name));
  }

  /** Events a subscriber gave up on, with their errors. */
  @Get('parked')
  @ApiOkResponse(listOf('parked', 'Every parked event, with its error; positions as strings.'))
  async parked(): Promise<{ parked: unknown[] }> {
    return { parked: (await this.subscriptions.parked()).map(parkedView) };
  }

  /** Tries a parked event again: the subscriber resumes at it, or handles it now. */
  @Post(':name/parked/:eventId/retry')
  @HttpCode(200)
  @ApiOkResponse({
    description: 'resumed: the subscriber goes on from it; handled: done now.',
    schema: { type: 'object', properties: { outcome: { type: 'string', enum: ['resumed', 'handled'] } } },
  })
  @ApiProblem(400, 'The event id is not a UUID.')
  async retry(
    @Param('name') name: string,
    @Param('eventId', new ParseUUIDPipe()) eventId: string,
  ): Promise<{ outcome: 'resumed' | 'handled' }> {
    return { outcome: await this.subscriptions.retryParked(name, eventId) };
  }

  /** Gives up on a parked event for good. */
  @Delete(':name/parked/:eventId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Dismissed.' })
  @ApiProblem(400, 'The event id is not a UUID.')
  async dismiss(@Param('name') name: string, @Param('eventId', new ParseUUIDPipe()) eventId: string): Promise<void> {
    await this.subscriptions.dismissParked(name, eventId);
  }
}

function statusView(status: SubscriberStatus): Record<string, unknown> {
  return {
    ...status,
    cursor: { transactionId: status.cursor.transactionId.toString(), position: status.cursor.position.toString() },
    position: status.position.toString(),
    head: status.head.toString(),
    ...(status.heldBackBy
      ? { heldBackBy: { ...status.heldBackBy, transactionId: status.heldBackBy.transactionId.toString() } }
      : {}),
  };
}

function parkedView(parked: ParkedEvent): Record<string, unknown> {
  return { ...parked, position: parked.position.toString() };
}
