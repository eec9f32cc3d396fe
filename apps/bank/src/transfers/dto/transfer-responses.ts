import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The answer of `POST /transfers`: the transfer runs on, in the background. */
export class TransferAcceptedResponse {
  @ApiProperty()
  transferId!: string;

  @ApiProperty({ description: 'Global position of the TransferRequested event, as a string.' })
  position!: string;
}

/** A transfer as `GET /transfers/:id` shows it. */
export class TransferResponse {
  @ApiProperty()
  transferId!: string;

  @ApiProperty({ enum: ['pending', 'completed', 'failed'] })
  status!: 'pending' | 'completed' | 'failed';

  @ApiPropertyOptional({ description: 'Why it failed.' })
  reason?: string;

  @ApiProperty()
  fromAccountId!: string;

  @ApiProperty()
  toAccountId!: string;

  @ApiProperty({ type: 'integer', description: 'In minor units (cents).' })
  amount!: number;

  @ApiProperty({ description: 'Whether it waits for `POST /transfers/{id}/approve` after the debit.' })
  needsApproval!: boolean;

  @ApiPropertyOptional({ description: "The saga's step, while it runs (debiting, awaiting-approval, …)." })
  step?: string;

  @ApiProperty({ type: 'integer' })
  version!: number;
}

/** The answer of `POST /transfers/{id}/approve`. */
export class TransferApprovedResponse {
  @ApiProperty()
  transferId!: string;

  @ApiProperty({ type: 'integer', description: 'The version of the transfer; also its ETag.' })
  version!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Global position of the approval; null when it was approved already.',
  })
  position!: string | null;
}
