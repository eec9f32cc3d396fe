import { InvalidEventError } from '../../errors/invalid-event-error';
import { textProblem } from '../text-problem';

/** Longest accepted data subject, in characters. */
export const MAX_SUBJECT_LENGTH = 200;

/** The personal data of one event: its data, and the fields to encrypt with their subjects. @internal */
export interface PersonalFields {
  data: Record<string, unknown>;
  fields: [field: string, subject: string][];
}

/**
 * What is wrong with `subject` as a data subject, or undefined when it is a good one.
 * @internal
 */
export function subjectProblem(subject: unknown): string | undefined {
  if (typeof subject !== 'string' || subject.trim() === '') return 'is not a non-empty string';
  if (subject.length > MAX_SUBJECT_LENGTH) return `is longer than ${MAX_SUBJECT_LENGTH} characters`;
  return textProblem(subject);
}

/**
 * An event's `personalData`, checked against its `data`: fields that hold `null` or
 * nothing are left as they are; undefined when no field is left to encrypt.
 * @throws InvalidEventError for anything but an object of field names to subjects, over an object `data`.
 * @internal
 */
export function personalFields(personalData: unknown, data: unknown, index: number): PersonalFields | undefined {
  if (personalData === null || typeof personalData !== 'object' || Array.isArray(personalData)) {
    throw new InvalidEventError(index, 'personalData must be an object of field names to data subjects');
  }
  const entries = Object.entries(personalData as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidEventError(index, 'personalData names fields, so data must be an object');
  }
  const fields: [string, string][] = [];
  for (const [field, subject] of entries) {
    const problem = subjectProblem(subject);
    if (problem) throw new InvalidEventError(index, `the subject of personal data field "${field}" ${problem}`);
    const value = (data as Record<string, unknown>)[field];
    if (value !== undefined && value !== null) fields.push([field, subject as string]);
  }
  return fields.length ? { data: data as Record<string, unknown>, fields } : undefined;
}

/** The subjects of a batch's personal data, sorted and without repeats; undefined for none. @internal */
export function subjectsOf(events: readonly { personal?: PersonalFields }[]): string[] | undefined {
  let subjects: Set<string> | undefined;
  for (const event of events) {
    if (!event.personal) continue;
    subjects ??= new Set();
    for (const [, subject] of event.personal.fields) subjects.add(subject);
  }
  return subjects && [...subjects].sort();
}
