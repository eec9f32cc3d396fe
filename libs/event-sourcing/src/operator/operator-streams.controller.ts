import { Controller, Get, Param } from '@nestjs/common';
import { AdminOnly } from '../http/admin-only.decorator';
import { StreamInspector } from './stream-inspector';
import { JsonAnswer, OperatorRoutes, ProblemAnswer } from './openapi-docs';
import type { StreamView } from './operator-views';

/** `GET /admin/streams/:streamId`: one stream's type, version, deleted flag and snapshot. @internal */
@OperatorRoutes('No such stream (`ES_STREAM_NOT_FOUND`), or the admin token is unset.')
@Controller('admin/streams')
@AdminOnly()
export class OperatorStreamsController {
  constructor(private readonly streams: StreamInspector) {}

  /** What the store knows of a stream; its events are `GET /events?stream=`. */
  @Get(':streamId')
  @JsonAnswer(200, 'The stream: type, version, deleted flag, creation time, newest snapshot (or null).', {
    type: 'object',
    properties: {
      streamId: { type: 'string' },
      streamType: { type: 'string' },
      version: { type: 'integer' },
      deleted: { type: 'boolean' },
      createdAt: { type: 'string', format: 'date-time' },
      snapshot: {
        type: 'object',
        nullable: true,
        properties: { version: { type: 'integer' }, revision: { type: 'integer' } },
      },
    },
  })
  @ProblemAnswer(400, 'A stream id no stream can have (`ES_INVALID_STREAM_ID`, `INVALID_TEXT`).')
  async show(@Param('streamId') streamId: string): Promise<StreamView> {
    return this.streams.show(streamId);
  }
}
