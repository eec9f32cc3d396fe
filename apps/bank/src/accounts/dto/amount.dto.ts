import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsPositive, Max } from 'class-validator';

/** The body of a deposit or a withdrawal. */
export class AmountDto {
  @ApiProperty({ description: 'In minor units (cents), a positive integer.', minimum: 1, example: 500 })
  @IsInt()
  @IsPositive()
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;
}
