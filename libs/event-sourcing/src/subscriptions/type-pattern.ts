import { ConfigurationError } from '../errors/configuration-error';

/**
 * A pattern of stored type names: `'*'` for every type, or a prefix ending in `*`
 * (`'bank.*'` takes `bank.money-deposited`, `bank.account-opened`…).
 */
export type TypePattern = '*' | `${string}*`;

/** Whether a string is a {@link TypePattern}. @internal */
export function isTypePattern(value: unknown): value is TypePattern {
  return typeof value === 'string' && value.endsWith('*') && value.indexOf('*') === value.length - 1;
}

/**
 * The prefix a pattern stands for (`''` for `'*'`).
 * @throws ConfigurationError for a string that is not a pattern, naming `owner`. @internal
 */
export function patternPrefix(owner: string, pattern: string): string {
  if (!isTypePattern(pattern)) {
    throw new ConfigurationError(
      `${owner}: "${pattern}" is no type pattern; use '*' or a prefix ending in '*', such as 'bank.*'.`,
    );
  }
  return pattern.slice(0, -1);
}

/** The longest of these prefixes that a type starts with, if any. @internal */
export function longestPrefix(prefixes: Iterable<string>, type: string): string | undefined {
  let best: string | undefined;
  for (const prefix of prefixes) {
    if (type.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best;
}
