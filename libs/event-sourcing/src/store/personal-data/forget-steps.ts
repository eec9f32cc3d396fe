import { InvalidQueryError } from '../../errors/invalid-query-error';
import type { EventMetadata, NewEvent } from '../../events/event-envelope';
import { isSealed, openValue, PERSONAL_DATA_KEY } from '../../events/personal-data-cipher';
import { forgottenStreamId, SUBJECT_FORGOTTEN } from '../../events/subject-forgotten-stream';
import { subjectProblem } from './personal-fields';
import { textsOf } from './subject-erasers';

/**
 * @throws InvalidQueryError unless `subject` is a data subject (1 to 200 characters).
 * @internal
 */
export function assertSubject(subject: unknown): asserts subject is string {
  const problem = subjectProblem(subject);
  if (problem) throw new InvalidQueryError('subject', subject, `a data subject ${problem}`);
}

/**
 * The subject's personal data in `events` as text, decrypted with its `key` one last
 * time, for the erasers to look for; fields the key does not open are passed over
 * (there is nothing to find of them). @internal
 */
export function personalTextsOf(
  events: readonly { data: unknown; metadata: EventMetadata }[],
  subject: string,
  key: Buffer,
): string[] {
  const values: unknown[] = [];
  for (const { data, metadata } of events) {
    const fields = metadata[PERSONAL_DATA_KEY];
    if (!Array.isArray(fields)) continue;
    for (const field of fields as string[]) {
      const sealed = (data as Record<string, unknown>)[field];
      if (!isSealed(sealed) || sealed.s !== subject) continue;
      try {
        values.push(openValue(key, field, sealed));
      } catch {
        // Not this key's: nothing readable to erase.
      }
    }
  }
  return textsOf(values);
}

/** The {@link SubjectForgotten} event a forget stores, in its stream. @internal */
export function forgottenAppend(subject: string, streamIds: readonly string[]): { streamId: string; event: NewEvent } {
  return {
    streamId: forgottenStreamId(subject),
    event: { type: SUBJECT_FORGOTTEN, data: { subject, streamIds: [...streamIds] } },
  };
}
