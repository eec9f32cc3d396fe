import { ConfigurationError } from '../errors/configuration-error';
import { InvalidQueryError } from '../errors/invalid-query-error';
import type { NaturalKeyChanges } from '../store/stream-effects';
import type { AggregateRoot } from './aggregate-root';
import { getNaturalKeys, normalizeNaturalKey, type NaturalKeyMetadata } from './natural-key.decorator';

/**
 * The natural keys of one aggregate class: what each aggregate held when it was last
 * loaded or saved, and what a save must claim or release. Stored under
 * `<stream type>/<name>` (`account/email`). @internal
 */
export class AggregateNaturalKeys<T extends AggregateRoot> {
  private readonly keys: readonly NaturalKeyMetadata[];
  private readonly stored = new WeakMap<T, Map<string, string | undefined>>();

  constructor(
    private readonly className: string,
    aggregateClass: object,
    private readonly streamType: string,
  ) {
    this.keys = getNaturalKeys(aggregateClass);
  }

  /** Records what `aggregate` holds now as what the store holds. */
  remember(aggregate: T): void {
    if (this.keys.length === 0) return;
    this.stored.set(aggregate, new Map(this.keys.map((key) => [key.name, this.valueOf(aggregate, key)])));
  }

  /** What a save of `aggregate` changes in the store's keys, or undefined for nothing. */
  changes(aggregate: T): NaturalKeyChanges | undefined {
    if (this.keys.length === 0) return undefined;
    const before = this.stored.get(aggregate);
    const claim: { key: string; value: string }[] = [];
    const release: string[] = [];
    for (const key of this.keys) {
      const value = this.valueOf(aggregate, key);
      if (value === before?.get(key.name)) continue;
      if (value === undefined) release.push(this.storedKey(key.name));
      else claim.push({ key: this.storedKey(key.name), value });
    }
    return claim.length || release.length ? { claim, release } : undefined;
  }

  /**
   * The stored key and normalised value that `findBy(name, value)` looks up, or undefined
   * for a value that normalises to nothing.
   * @throws InvalidQueryError for a name that is no `@NaturalKey` of the class, or a value that is not a string.
   */
  lookup(name: string, value: unknown): { key: string; value: string } | undefined {
    const key = this.keys.find((k) => k.name === name);
    if (!key) {
      const names = this.keys.map((k) => k.name).join(', ') || 'none';
      throw new InvalidQueryError('naturalKey', name, `${this.className} has these natural keys: ${names}`);
    }
    if (typeof value !== 'string') throw new InvalidQueryError(name, value, 'give a string');
    const normalized = normalizeNaturalKey(key, value);
    return normalized === undefined ? undefined : { key: this.storedKey(name), value: normalized };
  }

  private storedKey(name: string): string {
    return `${this.streamType}/${name}`;
  }

  private valueOf(aggregate: T, key: NaturalKeyMetadata): string | undefined {
    const value = (aggregate as unknown as Record<string | symbol, unknown>)[key.property];
    if (value === null || value === undefined) return undefined;
    if (typeof value !== 'string') {
      throw new ConfigurationError(
        `@NaturalKey('${key.name}') on ${this.className}.${String(key.property)} holds a ${typeof value}; a natural key is a string (or null).`,
      );
    }
    return normalizeNaturalKey(key, value);
  }
}
