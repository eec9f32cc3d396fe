import { ApiPropertyOptional } from '@nestjs/swagger';
import { IntegerParam, PositionParam } from 'nest-event-sourcing';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';

/** `?minPosition=`: read your own write, the `position` a command answered. */
export class ReadListQuery {
  @ApiPropertyOptional({
    description: 'Wait (up to 5 s, then 503 ES_WAIT_TIMEOUT) until the read model has applied this global position.',
    example: '1042',
    type: String,
    pattern: '^[0-9]+$',
  })
  @IsOptional()
  @PositionParam()
  minPosition?: bigint;
}

/** `GET /lists`: one status, by id, `limit` at a time, `after` the last id of the page before. */
export class ListListsQuery extends ReadListQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Lists per page.' })
  @IsOptional()
  @IntegerParam({ min: 1, max: 100 })
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next` of the page before: lists with a greater id.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  after?: string;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'true: the archived lists only; false (default): the active ones only.',
  })
  @IsOptional()
  // Query values are strings, and Boolean('false') is true: map the two spellings only.
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'archived must be true or false' })
  archived?: boolean;
}
