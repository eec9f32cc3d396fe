import { registerAs, type ConfigType } from '@nestjs/config';
import { AppEnvironment, IntegerParam, validateEnvironment } from 'nest-event-sourcing';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, Matches } from 'class-validator';
import { MAX_BALANCE } from './accounts/money';

const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SUBJECT = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$/;

/** What the bank reads from its environment; a bad value stops the start with one line. */
export class BankEnvironment extends AppEnvironment {
  /** The bearer token of the operator routes; unset, they are off (404). */
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'ADMIN_TOKEN must not be empty (unset it to turn the operator routes off)' })
  ADMIN_TOKEN?: string;

  /**
   * The master key that wraps the keys of personal data (32 bytes as 64 hex digits or
   * base64, `openssl rand -hex 32`); unset, the keys are stored unwrapped.
   */
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, {
    message: 'ES_MASTER_KEY must be 32 bytes as 64 hex digits or base64 (openssl rand -hex 32)',
  })
  ES_MASTER_KEY?: string;

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

  /**
   * Splits the accounts projection into this many partitions by account, shared by the
   * bank instances on one database (docs/scaling.md). Default 1.
   */
  @IsOptional()
  @IntegerParam({ min: 1, max: 256 })
  BANK_ACCOUNTS_PARTITIONS?: number;

  /** NATS with JetStream, e.g. `nats://127.0.0.1:4222`: bank events out, external deposits in. */
  @IsOptional()
  @IsUrl(
    { protocols: ['nats', 'tls'], require_tld: false, require_protocol: true },
    { message: 'NATS_URL must be a URL such as nats://127.0.0.1:4222' },
  )
  NATS_URL?: string;

  /** RabbitMQ, e.g. `amqp://guest:guest@127.0.0.1:5672`: bank events out. */
  @IsOptional()
  @IsUrl(
    { protocols: ['amqp', 'amqps'], require_tld: false, require_protocol: true },
    { message: 'AMQP_URL must be a URL such as amqp://user:password@127.0.0.1:5672' },
  )
  AMQP_URL?: string;

  /** The JetStream stream of the bank's events. Default `BANK_EVENTS`. */
  @IsOptional()
  @Matches(STREAM_NAME, { message: 'BANK_EVENTS_STREAM must be 1 to 64 letters, digits, _ or -' })
  BANK_EVENTS_STREAM?: string;

  /** The first token(s) of the events' subjects and routing keys, and the RabbitMQ exchange. Default `bank-events`. */
  @IsOptional()
  @Matches(SUBJECT, { message: 'BANK_EVENTS_SUBJECT must be dot-separated tokens of letters, digits, _ or -' })
  BANK_EVENTS_SUBJECT?: string;

  /** The JetStream stream external deposits arrive on. Default `BANK_INBOUND`. */
  @IsOptional()
  @Matches(STREAM_NAME, { message: 'BANK_INBOUND_STREAM must be 1 to 64 letters, digits, _ or -' })
  BANK_INBOUND_STREAM?: string;

  /** Their subject. Default `bank-inbound.deposits`. */
  @IsOptional()
  @Matches(SUBJECT, { message: 'BANK_INBOUND_SUBJECT must be dot-separated tokens of letters, digits, _ or -' })
  BANK_INBOUND_SUBJECT?: string;
}

/**
 * The bank's environment, validated when the app starts (not when this file is
 * loaded), before the database is opened: inject it with `@Inject(bankEnvironment.KEY)`.
 */
export const bankEnvironment = registerAs('bank', () => validateEnvironment(BankEnvironment)(process.env));

/** The validated environment, as `bankEnvironment.KEY` injects it. */
export type BankEnvironmentValues = ConfigType<typeof bankEnvironment>;
