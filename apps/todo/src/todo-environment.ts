import { registerAs, type ConfigType } from '@nestjs/config';
import { IsNotEmpty, IsOptional, IsString, MinLength } from 'class-validator';
import { AppEnvironment, validateEnvironment } from 'nest-event-sourcing';

/** What the todo app reads from its environment; a bad value stops the start with one line. */
export class TodoEnvironment extends AppEnvironment {
  /** The bearer token of the operator routes and the /admin page; unset, they are off (404). */
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'ADMIN_TOKEN must not be empty (unset it to turn the operator routes off)' })
  ADMIN_TOKEN?: string;

  /**
   * The HS256 secret of the users' bearer tokens (claims `sub` and `tenant`); unset, the
   * app runs open, without users or permissions.
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'AUTH_SECRET must be at least 32 characters (256 bits for HS256)' })
  AUTH_SECRET?: string;
}

/**
 * The todo app's environment, validated when the app starts, before the database is
 * opened: inject it with `@Inject(todoEnvironment.KEY)`.
 */
export const todoEnvironment = registerAs('todo', () => validateEnvironment(TodoEnvironment)(process.env));

/** The validated environment, as `todoEnvironment.KEY` injects it. */
export type TodoEnvironmentValues = ConfigType<typeof todoEnvironment>;
