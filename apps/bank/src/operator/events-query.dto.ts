import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IntegerParam } from 'nest-event-sourcing';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

/** A repeatable query parameter: `?type=a&type=b` arrives as an array, `?type=a` as a string; always a list. */
function StringList(description: string, example: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description, example, type: [String] }),
    IsOptional(),
    Transform(({ value }: { value: unknown }): unknown[] => (Array.isArray(value) ? (value as unknown[]) : [value])),
    IsString({ each: true }),
    Length(1, 255, { each: true }),
  );
}

/** The query of `GET /events`; every value reaches SQL as a bound parameter. */
export class EventsQueryDto {
  @StringList('Event types (repeat for several).', 'bank.money-deposited')
  type?: string[];

  @StringList('Stream ids (repeat for several).', 'account-6f1c…')
  stream?: string[];

  @ApiPropertyOptional({
    description: 'Created that long ago or later: "3 days", "2 weeks", "90m".',
    example: '3 days',
  })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  since?: string;

  @ApiPropertyOptional({ description: 'Created before that long ago.', example: '1 hour' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  until?: string;

  @ApiPropertyOptional({ description: 'Events of one request or process.' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  correlationId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @IntegerParam({ min: 1, max: 1000 })
  limit?: number;

  @ApiPropertyOptional({ enum: ['newest-first', 'oldest-first'], default: 'newest-first' })
  @IsOptional()
  @IsIn(['newest-first', 'oldest-first'])
  order?: 'newest-first' | 'oldest-first';
}
