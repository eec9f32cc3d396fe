import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

/** `?minPosition=`: read-your-writes, the `position` a command returned. */
export class ReadQuery {
  /** Wait (up to 5 s) until the read model has applied the event at this global position. */
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,18}$/, { message: 'minPosition must be a positive integer (a position a command returned)' })
  minPosition?: string;
}

/** `?limit=`: items per page, 1 to 100. */
export class PageQuery extends ReadQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
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
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  before?: number;
}
