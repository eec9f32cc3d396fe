import { ApiProperty } from '@nestjs/swagger';

/** What `POST /accounts` answers (documentation of the response). */
export class AccountOpenedResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: 'integer', description: 'The version of the account; also its ETag.', example: 2 })
  version!: number;

  @ApiProperty({
    description: 'Global position of the last event written, as a string (positions are 64-bit).',
    example: '1042',
    nullable: true,
    type: String,
  })
  position!: string | null;
}

/** What a command on an account answers. */
export class AccountStateResponse extends AccountOpenedResponse {
  @ApiProperty({ type: 'integer', description: 'In minor units (cents), at most 10^15.', example: 1500 })
  balance!: number;
}

/** An account as `GET /accounts/{id}` reads it from the read model. */
export class AccountResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  owner!: string;

  @ApiProperty({ type: String, nullable: true, example: 'ada@example.org', description: 'Stored lowercased.' })
  email!: string | null;

  @ApiProperty({ type: 'integer', description: 'In minor units (cents).', example: 1500 })
  balance!: number;

  @ApiProperty({ enum: ['open', 'closed'] })
  status!: 'open' | 'closed';

  @ApiProperty({ type: 'integer', description: 'The version; also its ETag.', example: 3 })
  version!: number;
}

/** A page of `GET /accounts`. */
export class AccountPageResponse {
  @ApiProperty({ type: [AccountResponse] })
  items!: AccountResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass it as `after` for the next page; null at the end.' })
  next!: string | null;
}

/** A line of an account's statement. */
export class TransactionResponse {
  @ApiProperty({ format: 'uuid' })
  eventId!: string;

  @ApiProperty({ type: 'integer', description: 'The account version the line made.' })
  version!: number;

  @ApiProperty({ enum: ['deposit', 'withdrawal'] })
  kind!: 'deposit' | 'withdrawal';

  @ApiProperty({ type: 'integer', description: 'In minor units (cents).' })
  amount!: number;

  @ApiProperty({ type: 'integer', description: 'The balance after it, in cents.' })
  balanceAfter!: number;

  @ApiProperty({ type: String, format: 'date-time' })
  at!: Date;
}

/** A page of `GET /accounts/{id}/transactions`, newest first. */
export class TransactionPageResponse {
  @ApiProperty({ type: [TransactionResponse] })
  items!: TransactionResponse[];

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Pass it as `before` for the next page; null at the end.',
  })
  next!: number | null;
}
