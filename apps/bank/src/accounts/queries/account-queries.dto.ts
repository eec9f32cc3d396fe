import { IntegerParam, PositionParam } from 'nest-event-sourcing';
import { IsOptional, IsString, Length } from 'class-validator';

/** `?minPosition=`: read-your-writes, the `position` a command returned. */
export class ReadQuery {
  /** Wait (up to 5 s) until the read model has applied the event at this global position. */
  @IsOptional()
  @PositionParam()
  minPosition?: bigint;
}

/** `?limit=`: items per page, 1 to 100. */
export class PageQuery extends ReadQuery {
  @IsOptional()
  @IntegerParam({ min: 1, max: 100 })
  limit?: number;
}

/** `GET /accounts` paging: by id, `after` the last id of the previous page. */
export class ListAccountsQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  after?: string;
}

/** `GET /accounts/:id/transactions` paging: newest first, `before` a version. */
export class ListTransactionsQuery extends PageQuery {
  /** A version of the account (an `integer` column of the read model). */
  @IsOptional()
  @IntegerParam({ min: 1 })
  before?: number;
}
