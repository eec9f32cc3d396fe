import { ConfigurationError } from '../errors/configuration-error';

/** Default of the `appendsInFlight` option. @internal */
export const DEFAULT_APPENDS_IN_FLIGHT = 4;

/**
 * The `appendsInFlight` option, checked: a whole number from 1, or `Infinity`.
 * @throws ConfigurationError otherwise; `owner` names what took the option.
 * @internal
 */
export function appendsInFlightOption(value: number | undefined, owner: string): number {
  const limit = value ?? DEFAULT_APPENDS_IN_FLIGHT;
  if (limit === Number.POSITIVE_INFINITY || (Number.isSafeInteger(limit) && limit >= 1)) return limit;
  throw new ConfigurationError(
    `${owner} option appendsInFlight must be a whole number >= 1 or Infinity, not ${String(value)}.`,
  );
}
