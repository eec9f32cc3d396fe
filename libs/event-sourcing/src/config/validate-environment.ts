import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ConfigurationError } from '../errors/configuration-error';
import { shown } from '../http/integer-param.decorator';

/**
 * A `validate` function for `ConfigModule.forRoot` (`@nestjs/config`), from a class whose
 * properties are environment variables decorated with `class-validator` (and
 * `class-transformer` for conversions). A bad value stops the start before any module
 * starts (no database is opened, no port taken) with a `ConfigurationError` whose one
 * line names every bad variable, its value and what it must be; `startHttpApp` prints
 * just that line. Variables the class does not name pass through unchecked.
 * @throws ConfigurationError naming each invalid variable.
 * @example
 * class Environment {
 *   @IsOptional() @IsPort() PORT?: string;
 *   @IsOptional() @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false }) DATABASE_URL?: string;
 * }
 * ConfigModule.forRoot({ isGlobal: true, validate: validateEnvironment(Environment) })
 */
export function validateEnvironment<T extends object>(
  environmentClass: new () => T,
): (variables: Record<string, unknown>) => T & Record<string, unknown> {
  return (variables) => {
    const environment = plainToInstance(environmentClass, variables);
    const errors = validateSync(environment, { skipMissingProperties: false, forbidUnknownValues: false });
    if (errors.length > 0) {
      const problems = errors.map((error) => describe(error, variables));
      throw new ConfigurationError(`Invalid environment: ${problems.join('; ')}. Fix it and start again.`);
    }
    return environment as T & Record<string, unknown>;
  };
}

/** Names whose values are secrets: never printed. */
const SECRET = /PASSWORD|SECRET|TOKEN|KEY/i;

function describe({ property, constraints }: ValidationError, variables: Record<string, unknown>): string {
  const value = SECRET.test(property) ? '(hidden)' : shownMasked(variables[property]);
  return Object.values(constraints ?? {})
    .map((rule) => (rule.includes('(got ') ? rule : `${rule} (got ${value})`))
    .join(', ');
}

/** A value for the message: quoted, shortened, and a URL's password masked. */
function shownMasked(raw: unknown): string {
  if (typeof raw !== 'string') return shown(raw);
  // Everything between the user's colon and the last @ is the password, '/' and '@' included.
  return shown(raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:).*@/i, '$1***@'), 60);
}
