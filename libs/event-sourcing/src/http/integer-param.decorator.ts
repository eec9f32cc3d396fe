import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';

/** The largest value of a PostgreSQL `integer` column (2^31 - 1). */
export const POSTGRES_INTEGER_MAX = 2_147_483_647;

/** Options of {@link IntegerParam}. */
export interface IntegerParamOptions {
  /** Smallest accepted value. Default 0. */
  min?: number;
  /** Largest accepted value. Default {@link POSTGRES_INTEGER_MAX}, so a value always fits an `integer` column. */
  max?: number;
}

const DECIMAL = /^-?[0-9]+$/;

/**
 * A query or path parameter that holds a whole number written in decimal digits, from
 * `min` to `max`: it becomes a `number`. Anything else answers 400 `VALIDATION_FAILED`
 * naming the parameter and the range: `0x10`, `1e3`, `12.0`, ` 7`, an empty value, a
 * repeated parameter, and numbers past the range (checked on the digits, so
 * `99999999999999999999` is refused, never rounded). Use it instead of
 * `@Type(() => Number) @IsInt()`, which reads `0x10` as 16 and `''` as 0.
 * @example
 * class PageQuery {
 *   @IsOptional()
 *   @IntegerParam({ min: 1, max: 100 })
 *   limit?: number;
 * }
 */
export function IntegerParam(options: IntegerParamOptions = {}): PropertyDecorator {
  const min = options.min ?? 0;
  const max = options.max ?? POSTGRES_INTEGER_MAX;
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value,
    ),
    ValidateBy({
      name: 'integerParam',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
        defaultMessage: ({ property, value }: ValidationArguments) =>
          `${property} must be a whole number in decimal digits from ${min} to ${max} (got ${shown(value)})`,
      },
    }),
  );
}

/**
 * A value as a message quotes it: strings in quotes, cut after `max` characters, a
 * repeated parameter as its list. @internal
 */
export function shown(value: unknown, max = 40): string {
  if (typeof value === 'string') return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
  if (Array.isArray(value)) return `a list of ${value.length} values`;
  return String(value);
}
