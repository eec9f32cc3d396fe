import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsPositive, Max } from 'class-validator';
import { MAX_BALANCE } from '../money';

/** The body of a deposit or a withdrawal. */
export class AmountDto {
  @ApiProperty({
    description: 'In minor units (cents), a whole number from 1 to 10^15.',
    minimum: 1,
    maximum: MAX_BALANCE,
    example: 500,
  })
  @IsInt()
  @IsPositive()
  @Max(MAX_BALANCE)
  amount!: number;
}
