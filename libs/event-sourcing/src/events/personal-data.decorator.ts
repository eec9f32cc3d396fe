import { ConfigurationError } from '../errors/configuration-error';
import { parameterName } from './parameter-name';

const PERSONAL_DATA_FIELDS = Symbol('event-sourcing:personal-data-fields');

/** Options of {@link PersonalData}. */
export interface PersonalDataFieldOptions<E = Record<string, string>> {
  /**
   * The data subject the field belongs to, from the event: usually the id of the person
   * or of what stands for them (`e => e.accountId`). Forgetting this subject makes the
   * field unreadable in every event that holds it.
   */
  subject: (event: E) => string;
}

/** A field of an event class that holds personal data, and how to find its subject. */
interface PersonalDataField {
  property: string;
  subject: (event: never) => string;
}

/**
 * Marks a field of a `@DomainEvent` class as personal data of a data subject. The store
 * encrypts it on append with the subject's own key (AES-256-GCM) and decrypts it on
 * every read; once the subject is forgotten (`EventStore.forget`) it reads as `null`
 * and the envelope's `metadata.$forgotten` names it. The other fields stay readable
 * JSON. A field that is `null` or `undefined` is stored as it is. See
 * docs/personal-data.md.
 * @throws ConfigurationError when `subject` is not a function, or on a parameter whose name cannot be read.
 * @example
 * @DomainEvent('bank.account-opened')
 * export class AccountOpened {
 *   constructor(
 *     readonly accountId: string,
 *     @PersonalData({ subject: (e: AccountOpened) => e.accountId }) readonly owner: string,
 *   ) {}
 * }
 */
export function PersonalData<E = Record<string, string>>(
  options: PersonalDataFieldOptions<E>,
): PropertyDecorator & ParameterDecorator {
  return (target: object, property: string | symbol | undefined, index?: number) => {
    const cls: object = index === undefined ? target.constructor : target;
    const name = index === undefined ? property : parameterName(cls, index);
    if (typeof options?.subject !== 'function') {
      throw new ConfigurationError(
        `@PersonalData on ${String(name)} of ${(cls as { name?: string }).name ?? 'a class'}: give { subject: (event) => id }.`,
      );
    }
    if (typeof name !== 'string') {
      throw new ConfigurationError(
        `@PersonalData on parameter ${index} of ${(cls as { name?: string }).name ?? 'a constructor'}: its name is unknown; put it on a field.`,
      );
    }
    const own = (Reflect.getOwnMetadata(PERSONAL_DATA_FIELDS, cls) as PersonalDataField[] | undefined) ?? [];
    Reflect.defineMetadata(
      PERSONAL_DATA_FIELDS,
      [...own, { property: name, subject: options.subject as (event: never) => string }],
      cls,
    );
  };
}

/**
 * The personal data fields of an event instance that hold a value, each with its
 * subject (`{ owner: 'account-1' }`), or undefined when it has none: what
 * `NewEvent.personalData` takes. @internal
 */
export function personalDataOf(event: object): Record<string, string> | undefined {
  let found: Record<string, string> | undefined;
  for (let cls: unknown = event.constructor; typeof cls === 'function'; cls = Object.getPrototypeOf(cls)) {
    const fields = Reflect.getOwnMetadata(PERSONAL_DATA_FIELDS, cls) as PersonalDataField[] | undefined;
    if (!fields) continue;
    for (const { property, subject } of fields) {
      const value = (event as Record<string, unknown>)[property];
      if (value === undefined || value === null) continue;
      found ??= {};
      found[property] = subject(event as never);
    }
  }
  return found;
}
