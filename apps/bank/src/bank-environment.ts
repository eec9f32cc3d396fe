import { registerAs, type ConfigType } from '@nestjs/config';
import { AppEnvironment, IntegerParam, validateEnvironment } from 'nest-event-sourcing';
import { IsIn, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { MAX_BALANCE } from './accounts/money';

/** What the bank reads from its environment; a bad value stops the start with one line. */
export class BankEnvironment extends AppEnvironment {
  /** The bearer token of the operator routes; unset, they are off (404). */
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'ADMIN_TOKEN must not be empty (unset it to turn the operator routes off)' })
  ADMIN_TOKEN?: string;

  /** `true`: log every statement's SQL text (never its parameters). */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'LOG_SQL must be true or false' })
  LOG_SQL?: 'true' | 'false';

  /** Transfers of at least this many cents wait for an approval. */
  @IsOptional()
  @IntegerParam({ min: 1, max: MAX_BALANCE })
  TRANSFER_APPROVAL_LIMIT?: number;

  /** How long a transfer waits for its approval before it is refunded. */
  @IsOptional()
  @IntegerParam({ min: 1, max: 7 * 24 * 3600 * 1000 })
  TRANSFER_APPROVAL_TIMEOUT_MS?: number;
}

/**
 * The bank's environment, validated when the app starts (not when this file is
 * loaded), before the database is opened: inject it with `@Inject(bankEnvironment.KEY)`.
 */
export const bankEnvironment = registerAs('bank', () => validateEnvironment(BankEnvironment)(process.env));

/** The validated environment, as `bankEnvironment.KEY` injects it. */
export type BankEnvironmentValues = ConfigType<typeof bankEnvironment>;
