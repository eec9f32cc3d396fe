import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { MAX_BALANCE } from '../money';

/** The body of `POST /accounts`. */
export class OpenAccountDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 100)
  owner!: string;

  @ApiPropertyOptional({
    description: 'Unique among accounts, compared case-insensitively: a taken one is 409 `ES_NATURAL_KEY_TAKEN`.',
    maxLength: 254,
    example: 'ada@example.org',
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

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
