import { ConfigurationError } from '../errors/configuration-error';

const NATURAL_KEYS = Symbol('event-sourcing:natural-keys');

/** Options of {@link NaturalKey}: how values are compared (and stored). */
export interface NaturalKeyOptions {
  /** Compare case-insensitively: values are stored lowercased. Default false. */
  ignoreCase?: boolean;
  /** Ignore leading and trailing white space: values are stored trimmed. Default false. */
  trim?: boolean;
}

/** One `@NaturalKey` property of an aggregate class. */
export interface NaturalKeyMetadata extends Required<NaturalKeyOptions> {
  /** The key's name, as `findBy` takes it (`email`). */
  name: string;
  property: string | symbol;
}

/**
 * Makes an aggregate property a unique natural key among the aggregates of its class:
 * the repository claims its value in the transaction of each save that changes it (a
 * value held by another aggregate fails the save with `NaturalKeyTakenError`, HTTP 409,
 * and writes nothing), frees it when the value changes or the aggregate is deleted, and
 * finds the aggregate by it (`repository.findBy('email', value)`). The property holds a
 * string, or null/undefined/'' for no value.
 * @throws ConfigurationError for an empty name, or a name used twice on one class.
 * @example
 * @Aggregate('account')
 * export class BankAccount extends AggregateRoot {
 *   @NaturalKey('email', { ignoreCase: true, trim: true })
 *   email: string | null = null;
 * }
 */
export function NaturalKey(name: string, options: NaturalKeyOptions = {}): PropertyDecorator {
  return (target, property) => {
    const owner = target.constructor as { name: string };
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(name)) {
      throw new ConfigurationError(
        `@NaturalKey on ${owner.name}.${String(property)}: name "${String(name)}" must be 1 to 100 letters, digits, '_', '.' or '-'.`,
      );
    }
    const keys = getNaturalKeys(target.constructor);
    if (keys.some((key) => key.name === name)) {
      throw new ConfigurationError(`@NaturalKey('${name}') is declared twice on ${owner.name}.`);
    }
    const key: NaturalKeyMetadata = {
      name,
      property,
      ignoreCase: options.ignoreCase ?? false,
      trim: options.trim ?? false,
    };
    Reflect.defineMetadata(NATURAL_KEYS, [...keys, key], target.constructor);
  };
}

/** The `@NaturalKey` properties of an aggregate class, inherited ones included. */
export function getNaturalKeys(target: object): readonly NaturalKeyMetadata[] {
  return (Reflect.getMetadata(NATURAL_KEYS, target) as NaturalKeyMetadata[] | undefined) ?? [];
}

/** A value as `key` compares and stores it; undefined for no value. @internal */
export function normalizeNaturalKey(key: NaturalKeyMetadata, value: string): string | undefined {
  let normalized = key.trim ? value.trim() : value;
  if (key.ignoreCase) normalized = normalized.toLowerCase();
  return normalized === '' ? undefined : normalized;
}
