import { ConfigurationError } from '../errors/configuration-error';
import { parameterName } from './parameter-name';

const TAG_FIELDS = Symbol('event-sourcing:tag-fields');

/** A field of an event class that gives a tag: `key:<the field's value>`. */
interface TagField {
  property: string | symbol;
  key: string;
}

/**
 * Tags events of the class by a field: `@Tag('list') listId` gives the tag `list:<listId>`
 * (one per element when the field holds an array; none when it is null or undefined).
 * A class may also give tags through a method `eventTags(): string[]`, and an aggregate
 * for all its events through its own `eventTags(event)`.
 * @throws ConfigurationError for a key that is empty or holds a `:`.
 * @example
 * @DomainEvent('todo.item-added')
 * export class ItemAdded {
 *   constructor(@Tag('list') readonly listId: string, readonly text: string) {}
 * }
 * // or on a field: @Tag('list') readonly listId!: string;
 */
export function Tag(key: string): PropertyDecorator & ParameterDecorator {
  return (target: object, property: string | symbol | undefined, index?: number) => {
    if (typeof key !== 'string' || key === '' || key.includes(':')) {
      throw new ConfigurationError(`@Tag(${JSON.stringify(key)}): give a non-empty key without ':'.`);
    }
    // On a constructor parameter the target is the class; the field is the parameter's name.
    const cls: object = index === undefined ? target.constructor : target;
    const name = index === undefined ? property : parameterName(cls, index);
    if (name === undefined) {
      throw new ConfigurationError(`@Tag('${key}') on parameter ${index} of a constructor: its name is unknown.`);
    }
    const own = (Reflect.getOwnMetadata(TAG_FIELDS, cls) as TagField[] | undefined) ?? [];
    Reflect.defineMetadata(TAG_FIELDS, [...own, { property: name, key }], cls);
  };
}

/**
 * The tags an event instance gives: its `@Tag` fields (inherited ones too), then its
 * `eventTags()` method when it has one. Checked when the event is appended. @internal
 */
export function tagsOfEvent(event: object): string[] {
  const tags: string[] = [];
  for (let cls: unknown = event.constructor; typeof cls === 'function'; cls = Object.getPrototypeOf(cls)) {
    for (const { property, key } of (Reflect.getOwnMetadata(TAG_FIELDS, cls) as TagField[] | undefined) ?? []) {
      const value = (event as Record<string | symbol, unknown>)[property];
      for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
        if (item === undefined || item === null) continue;
        // Scalars as they print; anything else as JSON (never '[object Object]').
        const text =
          typeof item === 'string' ? item : typeof item === 'object' ? JSON.stringify(item) : `${item as number}`;
        tags.push(`${key}:${text}`);
      }
    }
  }
  const method = (event as { eventTags?: unknown }).eventTags;
  if (typeof method === 'function') tags.push(...(method.call(event) as string[]));
  return tags;
}
