import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsPositive, IsString, Length, Max } from 'class-validator';

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

  @ApiProperty({ description: 'In minor units (cents), a positive integer.', minimum: 1, example: 500 })
  @IsInt()
  @IsPositive()
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;
}
