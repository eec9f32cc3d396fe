import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { MAX_BALANCE } from '../money';

/** The body of `POST /accounts`. */
export class OpenAccountDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 100)
  owner!: string;

  @ApiPropertyOptional({
    description: 'In minor units (cents), at most 10^15.',
    minimum: 0,
    maximum: MAX_BALANCE,
    default: 0,
    example: 1000,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_BALANCE)
  initialDeposit?: number;
}
