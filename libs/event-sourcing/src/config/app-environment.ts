import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, ValidateBy } from 'class-validator';
import { IntegerParam } from '../http/integer-param.decorator';

/** The levels `LOG_LEVEL` takes, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * A `postgres://` (or `postgresql://`) URL with a host, as `DATABASE_URL` and the module's
 * `database` option take it. The message never repeats the value (it may hold a password).
 */
export function IsDatabaseUrl(): PropertyDecorator {
  return ValidateBy({
    name: 'isDatabaseUrl',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string' || !URL.canParse(value)) return false;
        const url = new URL(value);
        return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
      },
      defaultMessage: (args) =>
        `${args?.property ?? 'the value'} must be a PostgreSQL URL such as postgres://user:password@host:5432/database`,
    },
  });
}

/**
 * The environment every app built on this library reads, validated at boot by
 * `validateEnvironment`: extend it with the app's own variables. Every variable is
 * optional; unset, `DATABASE_URL` means the embedded PostgreSQL.
 * @example
 * class BankEnvironment extends AppEnvironment {
 *   @IsOptional() @IsString() ADMIN_TOKEN?: string;
 * }
 */
export class AppEnvironment {
  /** The HTTP port. */
  @IsOptional()
  @IntegerParam({ min: 0, max: 65_535 })
  PORT?: number;

  /** The PostgreSQL to use; unset, an embedded one. */
  @IsOptional()
  @IsDatabaseUrl()
  DATABASE_URL?: string;

  /** The embedded server's data folder. */
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'EMBEDDED_PG_DIR must name a folder' })
  EMBEDDED_PG_DIR?: string;

  /** `application_name` of the app's connections, as `pg_stat_activity` shows it. */
  @IsOptional()
  @Matches(/^[\x20-\x7e]{1,63}$/, { message: 'PG_APPLICATION_NAME must be 1 to 63 printable ASCII characters' })
  PG_APPLICATION_NAME?: string;

  /**
   * `json`: one JSON object per log line, for a log collector; `pretty`: readable lines.
   * Unset: `json` when `NODE_ENV` is `production`, else `pretty`. (`text`, the name of
   * `pretty` before request logging moved to pino, is still read as `pretty`.)
   */
  @IsOptional()
  @IsIn(['json', 'pretty', 'text'], { message: 'LOG_FORMAT must be json or pretty' })
  LOG_FORMAT?: 'json' | 'pretty' | 'text';

  /** The lowest level logged; unset, `info`. */
  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: (typeof LOG_LEVELS)[number];
}
