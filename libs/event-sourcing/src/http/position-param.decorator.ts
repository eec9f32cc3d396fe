import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import { shown } from './integer-param.decorator';

/** The largest global position, and value of a PostgreSQL `bigint` (2^63 - 1). */
export const POSTGRES_BIGINT_MAX = 2n ** 63n - 1n;

const DIGITS = /^[0-9]+$/;

/**
 * A query or path parameter that holds a global position (the `position` a command
 * answered, for read-your-writes): decimal digits from 1 to 2^63 - 1, the range of the
 * store's `bigint` column. It becomes a `bigint`; anything else, past the range
 * included, answers 400 `VALIDATION_FAILED` naming the parameter.
 * @example
 * class ReadQuery {
 *   @IsOptional()
 *   @PositionParam()
 *   minPosition?: bigint;
 * }
 */
export function PositionParam(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && DIGITS.test(value) ? BigInt(value) : value,
    ),
    ValidateBy({
      name: 'positionParam',
      validator: {
        validate: (value: unknown) => typeof value === 'bigint' && value >= 1n && value <= POSTGRES_BIGINT_MAX,
        defaultMessage: ({ property, value }: ValidationArguments) =>
          `${property} must be a global position: decimal digits from 1 to ${POSTGRES_BIGINT_MAX} (got ${shown(value)})`,
      },
    }),
  );
}
