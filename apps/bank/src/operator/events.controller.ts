import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly, EventStore, type EventEnvelope } from 'nest-event-sourcing';
import { ApiProblem } from '../http/problem-response';
import { EventsQueryDto } from './events-query.dto';

/** An event as the operator API shows it: positions as strings, since JSON has no 64-bit integers. */
export interface EventView {
  position: string;
  transactionId: string;
  eventId: string;
  streamId: string;
  version: number;
  type: string;
  revision: number;
  data: unknown;
  metadata: Record<string, unknown>;
  createdAt: string;
}

/**
 * Operator routes: events hold personal data, so they need `Authorization: Bearer
 * <ADMIN_TOKEN>`, and are off (404) while `ADMIN_TOKEN` is unset.
 */
@ApiTags('operator')
@ApiBearerAuth()
@ApiProblem(401, 'No or a wrong bearer token (`UNAUTHORIZED`).')
@ApiProblem(404, 'ADMIN_TOKEN is unset: the operator routes are off.')
@ApiProblem(
  400,
  'A filter it cannot read: a duration, a limit, a text (`ES_INVALID_QUERY`, `VALIDATION_FAILED`, `INVALID_TEXT`).',
)
@Controller('events')
@AdminOnly()
export class EventsController {
  constructor(private readonly store: EventStore) {}

  /** The store's query API: filters AND, newest first unless asked otherwise. */
  @Get()
  @ApiOkResponse({
    description: 'The matching events, newest first unless asked otherwise; positions as strings.',
    schema: { type: 'object', properties: { events: { type: 'array', items: { type: 'object' } } } },
  })
  async query(@Query() query: EventsQueryDto): Promise<{ events: EventView[] }> {
    const events = await this.store.queryEvents({
      types: query.type,
      streams: query.stream,
      since: query.since,
      until: query.until,
      correlationId: query.correlationId,
      limit: query.limit,
      order: query.order,
    });
    return { events: events.map(toView) };
  }
}

function toView(event: EventEnvelope): EventView {
  return {
    position: event.position.toString(),
    transactionId: event.transactionId.toString(),
    eventId: event.eventId,
    streamId: event.streamId,
    version: event.version,
    type: event.type,
    revision: event.revision,
    data: event.data,
    metadata: event.metadata,
    createdAt: event.createdAt.toISOString(),
  };
}
