import { Controller, Get, Query } from '@nestjs/common';
import { AdminOnly } from '../http/admin-only.decorator';
import { EventQueryCache } from '../store/event-query-cache';
import { EventsQueryDto } from './events-query.dto';
import { JsonAnswer, OperatorRoutes, ProblemAnswer } from './openapi-docs';
import { toEventQuery } from './operator-event-query';
import { eventView, type EventView } from './operator-views';

/**
 * `GET /events`: the store's `queryEvents` for operators, through the module's query cache
 * (on with the `queryCache` option). Events hold personal data, so it needs the admin
 * token, and is off (404) without one. @internal
 */
@OperatorRoutes('The admin token is unset: the operator routes are off.')
@ProblemAnswer(
  400,
  'A filter it cannot read: a duration, a range, a limit, a text, the any JSON (`ES_INVALID_QUERY`, `VALIDATION_FAILED`, `INVALID_TEXT`).',
)
@Controller('events')
@AdminOnly()
export class OperatorEventsController {
  constructor(private readonly queries: EventQueryCache) {}

  /** The matching events: filters AND, `any` groups OR, newest first unless asked otherwise. */
  @Get()
  @JsonAnswer(200, 'The matching events, newest first unless asked otherwise; positions as strings.', {
    type: 'object',
    properties: { events: { type: 'array', items: { type: 'object' } } },
  })
  async query(@Query() query: EventsQueryDto): Promise<{ events: EventView[] }> {
    const events = await this.queries.queryEvents(toEventQuery(query));
    return { events: events.map(eventView) };
  }
}
