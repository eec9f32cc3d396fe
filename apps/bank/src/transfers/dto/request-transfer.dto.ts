import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsPositive, IsString, Length, Max } from 'class-validator';
import { MAX_BALANCE } from '../../accounts/money';

/** The body of `POST /transfers`. */
export class RequestTransferDto {
  @ApiProperty({ minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  fromAccountId!: string;

  @ApiProperty({ minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  toAccountId!: string;

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
