import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** The body of `POST /accounts`. */
export class OpenAccountDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 100)
  owner!: string;

  @ApiPropertyOptional({ description: 'In minor units (cents).', minimum: 0, default: 0, example: 1000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  initialDeposit?: number;
}
