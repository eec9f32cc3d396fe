import { PersonalDataKeyError } from '../../errors/personal-data-key-error';
import { errorMessage } from '../../errors/error-message';
import type { EventEnvelope } from '../../events/event-envelope';
import { FORGOTTEN_KEY, isSealed, openValue, PERSONAL_DATA_KEY } from '../../events/personal-data-cipher';
import type { SubjectKeyState } from './subject-keyring';

/** The states of the subjects asked for (see `SubjectKeyring.forRead`). @internal */
export type KeysFor = (subjects: readonly string[]) => Promise<Map<string, SubjectKeyState>>;

/**
 * Decrypts, in place, the personal data of envelopes just read: each field listed in
 * `metadata.$pd` gets its plaintext back, or `null` when its subject was forgotten
 * (named then in `metadata.$forgotten`). Envelopes without personal data cost one
 * property lookup, and no key is loaded for them.
 * @throws PersonalDataKeyError for a key that is missing, cannot be unwrapped, or does not open a field.
 * @internal
 */
export async function openEnvelopes(events: EventEnvelope[], keysFor: KeysFor): Promise<EventEnvelope[]> {
  let subjects: Set<string> | undefined;
  for (const event of events) {
    const fields = event.metadata[PERSONAL_DATA_KEY];
    if (!Array.isArray(fields)) continue;
    const data = event.data as Record<string, unknown>;
    for (const field of fields as string[]) {
      const value = data[field];
      if (isSealed(value)) (subjects ??= new Set()).add(value.s);
    }
  }
  if (!subjects) return events;
  const keys = await keysFor([...subjects]);
  for (const event of events) {
    const fields = event.metadata[PERSONAL_DATA_KEY];
    if (Array.isArray(fields)) openEnvelope(event, fields as string[], keys);
  }
  return events;
}

function openEnvelope(event: EventEnvelope, fields: string[], keys: Map<string, SubjectKeyState>): void {
  const data = event.data as Record<string, unknown>;
  const forgotten: string[] = [];
  for (const field of fields) {
    const sealed = data[field];
    if (!isSealed(sealed)) continue;
    const state = keys.get(sealed.s);
    if (state === undefined) throw new PersonalDataKeyError(sealed.s, 'no key was loaded for it');
    if (state === 'forgotten') {
      data[field] = null;
      forgotten.push(field);
      continue;
    }
    try {
      data[field] = openValue(state.key, field, sealed);
    } catch (error) {
      throw new PersonalDataKeyError(
        sealed.s,
        `it does not open field "${field}" of event ${event.eventId} (${errorMessage(error)})`,
        { cause: error },
      );
    }
  }
  if (forgotten.length > 0) event.metadata = { ...event.metadata, [FORGOTTEN_KEY]: forgotten };
}
