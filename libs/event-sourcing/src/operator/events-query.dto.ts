import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IntegerParam } from '../http/integer-param.decorator';
import { PositionParam } from '../http/position-param.decorator';
import { QueryDoc } from './openapi-docs';

/** A repeatable query parameter: `?type=a&type=b` arrives as an array, `?type=a` as a string; always a list. */
function StringList(description: string, example: string): PropertyDecorator {
  return applyDecorators(
    QueryDoc({ description, example, type: [String] }),
    IsOptional(),
    Transform(({ value }: { value: unknown }): unknown[] => (Array.isArray(value) ? (value as unknown[]) : [value])),
    IsString({ each: true }),
    Length(1, 255, { each: true }),
  );
}

/** One text parameter of up to `max` characters. */
function Text(max: number, description: string, example?: string): PropertyDecorator {
  return applyDecorators(QueryDoc({ description, example, type: String }), IsOptional(), IsString(), Length(1, max));
}

/**
 * The query of `GET /events`: the store's `queryEvents` as query parameters. Every
 * value reaches SQL as a bound parameter; a bad one answers 400 and nothing runs.
 */
export class EventsQueryDto {
  @StringList('Event types (repeat for several).', 'bank.money-deposited')
  type?: string[];

  @StringList('Stream ids (repeat for several).', 'account-6f1c…')
  stream?: string[];

  @StringList('Stream types (repeat for several): the stream id before its first dash, unless set.', 'account')
  streamType?: string[];

  @QueryDoc({ type: 'integer', minimum: 0, description: 'Stream versions from (inclusive).' })
  @IsOptional()
  @IntegerParam()
  fromVersion?: number;

  @QueryDoc({ type: 'integer', minimum: 0, description: 'Stream versions up to (inclusive).' })
  @IsOptional()
  @IntegerParam()
  toVersion?: number;

  @QueryDoc({ type: 'string', pattern: '^[0-9]+$', description: 'Global positions from (inclusive), in digits.' })
  @IsOptional()
  @PositionParam()
  fromPosition?: bigint;

  @QueryDoc({
    type: 'string',
    pattern: '^[0-9]+$',
    description: 'Global positions up to (inclusive), in digits: the next page, newest first, ends below the last one.',
  })
  @IsOptional()
  @PositionParam()
  toPosition?: bigint;

  @Text(50, 'Created that long ago or later: "3 days", "2 weeks", "90m"; or an ISO 8601 time.', '3 days')
  since?: string;

  @Text(50, 'Created before that long ago ("1 hour"), or before an ISO 8601 time.', '1 hour')
  until?: string;

  @Text(128, 'Events of one request or process.')
  correlationId?: string;

  @Text(128, 'Events of one tenant (docs/tenancy.md); all tenants when absent.', 'acme')
  tenantId?: string;

  @Text(
    4000,
    'Filters OR-ed, as a JSON array of objects with the keys above (type, stream, streamType, fromVersion, toVersion, fromPosition, toPosition, since, until, correlationId, tenantId); the other parameters hold for each.',
    '[{"type":["bank.account-opened"]},{"stream":["account-6f1c…"]}]',
  )
  any?: string;

  @QueryDoc({ type: 'integer', minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @IntegerParam({ min: 1, max: 1000 })
  limit?: number;

  @QueryDoc({ enum: ['newest-first', 'oldest-first'], default: 'newest-first' })
  @IsOptional()
  @IsIn(['newest-first', 'oldest-first'])
  order?: 'newest-first' | 'oldest-first';
}
