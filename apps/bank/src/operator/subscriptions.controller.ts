import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AdminOnly, Subscriptions, type ParkedEvent, type SubscriberStatus } from 'nest-event-sourcing';

/**
 * Operator routes over the durable subscribers (the accounts projection, the transfer
 * saga): their status, rebuilds, and parked events. Bearer `ADMIN_TOKEN`, like `/events`.
 */
@ApiTags('operator')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No or a wrong bearer token (problem UNAUTHORIZED).' })
@ApiNotFoundResponse({ description: 'No such subscriber or parked event (ES_UNKNOWN_SUBSCRIBER, …).' })
@Controller('admin/subscriptions')
@AdminOnly()
export class SubscriptionsController {
  constructor(private readonly subscriptions: Subscriptions) {}

  /** Every subscriber: state, position, lag, the instance running it, rebuild progress. */
  @Get()
  @ApiOkResponse({ description: '{ subscribers: [...] }, positions as strings.' })
  async status(): Promise<{ subscribers: unknown[] }> {
    return { subscribers: (await this.subscriptions.status()).map(statusView) };
  }

  /** Resets a projection's read model and replays every event into it; poll the status for progress. */
  @Post(':name/rebuild')
  @HttpCode(202)
  async rebuild(@Param('name') name: string): Promise<unknown> {
    return statusView(await this.subscriptions.rebuild(name));
  }

  /** Events a subscriber gave up on, with their errors. */
  @Get('parked')
  async parked(): Promise<{ parked: unknown[] }> {
    return { parked: (await this.subscriptions.parked()).map(parkedView) };
  }

  /** Tries a parked event again: the subscriber resumes at it, or handles it now. */
  @Post(':name/parked/:eventId/retry')
  @HttpCode(200)
  async retry(
    @Param('name') name: string,
    @Param('eventId', new ParseUUIDPipe()) eventId: string,
  ): Promise<{ outcome: 'resumed' | 'handled' }> {
    return { outcome: await this.subscriptions.retryParked(name, eventId) };
  }

  /** Gives up on a parked event for good. */
  @Delete(':name/parked/:eventId')
  @HttpCode(204)
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
