import { EventTooLargeError } from '../../errors/event-too-large-error';
import { sealValue } from '../../events/personal-data-cipher';
import type { PreparedAppend, PreparedEvent } from '../prepared-append';
import type { SubjectKey } from './subject-keyring';

/**
 * The append with its personal data encrypted: each event's personal fields replaced in
 * `dataJson` by their ciphertext under their subject's key, the plaintext dropped.
 * Events without personal data are the same objects.
 * @throws EventTooLargeError for an event that the ciphertext makes too large.
 * @internal
 */
export function sealAppend(
  prepared: PreparedAppend,
  keys: ReadonlyMap<string, SubjectKey>,
  maxEventSize: number,
): PreparedAppend {
  return { ...prepared, events: prepared.events.map((e, index) => sealEvent(e, index, keys, maxEventSize)) };
}

function sealEvent(
  event: PreparedEvent,
  index: number,
  keys: ReadonlyMap<string, SubjectKey>,
  maxEventSize: number,
): PreparedEvent {
  const { personal, ...sealed } = event;
  if (!personal) return event;
  const data = { ...personal.data };
  for (const [field, subject] of personal.fields) {
    data[field] = sealValue(keys.get(subject)!.key, subject, field, data[field]);
  }
  // The plaintext passed serializeJson already; the ciphertext is base64.
  const dataJson = JSON.stringify(data);
  const size = Buffer.byteLength(dataJson) + Buffer.byteLength(event.metadataJson);
  if (size > maxEventSize) throw new EventTooLargeError(index, size, maxEventSize);
  return { ...sealed, dataJson };
}
