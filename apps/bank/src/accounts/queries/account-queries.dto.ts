import { IntegerParam, PositionParam } from 'nest-event-sourcing';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';

/** `?minPosition=`: read-your-writes, the `position` a command returned. */
export class ReadQuery {
  /** Wait (up to 5 s) until the read model has applied the event at this global position. */
  @ApiPropertyOptional({
    type: String,
    pattern: '^[0-9]+$',
    example: '1042',
    description:
      'Read your own write: the `position` a command answered. The read waits (up to 5 s, then 503 `ES_WAIT_TIMEOUT`) until the read model has applied it.',
  })
  @IsOptional()
  @PositionParam()
  minPosition?: bigint;
}

/** `?limit=`: items per page, 1 to 100. */
export class PageQuery extends ReadQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Items per page.' })
  @IsOptional()
  @IntegerParam({ min: 1, max: 100 })
  limit?: number;
}

/** `GET /accounts` paging: by id, `after` the last id of the previous page. */
export class ListAccountsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'The `next` of the page before: accounts with a greater id.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  after?: string;

  @ApiPropertyOptional({
    description: 'The account with this email (any case), found in the store’s natural-key table; 404 when none.',
    example: 'ada@example.org',
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;
}

/** `GET /accounts/:id/transactions` paging: newest first, `before` a version. */
export class ListTransactionsQuery extends PageQuery {
  /** A version of the account (an `integer` column of the read model). */
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 2_147_483_647,
    description: 'The `next` of the page before: lines of older versions.',
  })
  @IsOptional()
  @IntegerParam({ min: 1 })
  before?: number;
}
