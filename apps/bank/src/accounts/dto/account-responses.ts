import { ApiProperty } from '@nestjs/swagger';

/** What `POST /accounts` answers (documentation of the response). */
export class AccountOpenedResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The version of the account; also its ETag.', example: 2 })
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
  @ApiProperty({ description: 'In minor units (cents).', example: 1500 })
  balance!: number;
}
