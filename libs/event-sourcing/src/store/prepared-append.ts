import { randomUUID } from 'node:crypto';
import { EventTooLargeError } from '../errors/event-too-large-error';
import { InvalidEventError } from '../errors/invalid-event-error';
import { InvalidStreamIdError } from '../errors/invalid-stream-id-error';
import type { EventMetadata, NewEvent } from '../events/event-envelope';
import type { AppendOptions } from './event-store';
import { assertExpectedVersion, type ExpectedVersion } from './expected-version';
import { serializeJson } from './json-check';
import { textProblem } from './text-problem';
import { prepareTags } from './tags';
import { prepareCondition, type PreparedCondition } from './decision-query';
import { personalFields, subjectsOf, type PersonalFields } from './personal-data/personal-fields';
import { PERSONAL_DATA_KEY } from '../events/personal-data-cipher';
import { tenantOfAppend } from './append-tenant';
import { lifecycleEvent, prepareEffects, type PreparedEffects } from './stream-effects';
import type { AppendPermission, AppendRequirementsHook } from './append-requirements';

/** Longest accepted stream id, in characters. */
export const MAX_STREAM_ID_LENGTH = 255;
/** Longest accepted event type name, in characters. */
export const MAX_EVENT_TYPE_LENGTH = 200;

/** The metadata keys the store gives a meaning to, which must be strings when present. */
const ID_KEYS = ['correlationId', 'causationId'] as const;

/** One event checked and serialised, ready for a store. @internal */
export interface PreparedEvent {
  eventId: string;
  type: string;
  revision: number;
  dataJson: string;
  metadataJson: string;
  /** Checked, sorted, without repeats. */
  tags: string[];
  /**
   * Its personal data, when it has any: `dataJson` holds the plaintext until the store
   * seals it (see `sealAppend`), which it does before anything leaves the process.
   */
  personal?: PersonalFields;
}

/** An append checked and serialised: what both stores write. @internal */
export interface PreparedAppend {
  streamId: string;
  streamType: string;
  expectedVersion: ExpectedVersion;
  events: PreparedEvent[];
  /** Whether any event carries a tag. */
  tagged: boolean;
  /** The append's condition, checked, when it has one. */
  condition?: PreparedCondition;
  /** The data subjects of its personal data, sorted, when it carries any. */
  subjects?: string[];
  /**
   * Once sealed (`sealAppend`), on PostgreSQL: the subjects and their keys as stored,
   * the last two parameters of the keyed statements (`es_claim_subject_keys`).
   */
  claims?: [subjects: string[], keys: Buffer[]];
  /** Natural keys and a soft delete or restore, applied in the append's transaction. */
  effects?: PreparedEffects;
  /** Permissions the append needs, checked with it (see `withRequirements`); never empty when set. */
  required?: readonly AppendPermission[];
}

/**
 * Checks every input of an append and serialises the events, so that a bad input is
 * rejected before anything reaches the database.
 * @throws InvalidStreamIdError, InvalidExpectedVersionError, InvalidEventError, EventTooLargeError,
 *   InvalidTagError, InvalidQueryError (a bad condition)
 * @internal
 */
export function prepareAppend(
  streamId: unknown,
  events: unknown,
  options: AppendOptions | undefined,
  maxEventSize: number,
): PreparedAppend {
  assertStreamId(streamId);
  const expectedVersion = options?.expectedVersion === undefined ? 'any' : options.expectedVersion;
  assertExpectedVersion(expectedVersion);
  const streamType = options?.streamType ?? defaultStreamType(streamId);
  if (
    typeof streamType !== 'string' ||
    streamType.length > MAX_STREAM_ID_LENGTH ||
    streamType.includes('\0') ||
    !streamType.isWellFormed()
  ) {
    throw new InvalidStreamIdError(
      streamId,
      `streamType ${JSON.stringify(streamType)} must be a string of at most ${MAX_STREAM_ID_LENGTH} characters`,
    );
  }
  const lifecycle = options?.lifecycle;
  if (!Array.isArray(events) || (events.length === 0 && lifecycle === undefined)) {
    throw new InvalidEventError(0, 'append takes a non-empty array of events');
  }
  const all: unknown[] = lifecycle ? [...(events as unknown[]), lifecycleEvent(lifecycle)] : events;
  const effects = prepareEffects(options?.naturalKeys, lifecycle, all);
  const prepared = all.map((event: unknown, index) => prepareEvent(event, index, maxEventSize));
  if (prepared.length > 1) {
    const seen = new Set<string>();
    prepared.forEach((event, index) => {
      if (seen.has(event.eventId))
        throw new InvalidEventError(index, `event id ${event.eventId} appears twice in the batch`);
      seen.add(event.eventId);
    });
  }
  const tagged = prepared.some((event) => event.tags.length > 0);
  const condition =
    options?.condition === undefined ? undefined : prepareCondition(options.condition, tenantOfAppend(all));
  const subjects = subjectsOf(prepared);
  return {
    streamId,
    streamType,
    expectedVersion,
    events: prepared,
    tagged,
    ...(condition ? { condition } : {}),
    ...(subjects ? { subjects } : {}),
    ...(effects ? { effects } : {}),
  };
}

/**
 * @throws InvalidStreamIdError unless `streamId` is a string of 1 to 255 characters with
 *   something other than spaces, no NUL and no lone UTF-16 surrogate.
 * @internal
 */
export function assertStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string') throw new InvalidStreamIdError(streamId, 'it must be a string');
  if (streamId.trim() === '') throw new InvalidStreamIdError(streamId, 'it is empty');
  if (streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new InvalidStreamIdError(streamId, `it is longer than ${MAX_STREAM_ID_LENGTH} characters`);
  }
  const problem = textProblem(streamId);
  if (problem) throw new InvalidStreamIdError(streamId, `it ${problem}`);
}

/** A stream's category when the append names none: its id's prefix before the first `-`. @internal */
export function defaultStreamType(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : '';
}

function prepareEvent(event: unknown, index: number, maxEventSize: number): PreparedEvent {
  if (event === null || typeof event !== 'object') throw new InvalidEventError(index, 'it is not an object');
  const { type, data, eventId, revision, metadata, tags, personalData } = event as NewEvent;
  if (typeof type !== 'string' || type.trim() === '' || type.length > MAX_EVENT_TYPE_LENGTH) {
    throw new InvalidEventError(
      index,
      `type must be a non-empty string of at most ${MAX_EVENT_TYPE_LENGTH} characters`,
    );
  }
  // PostgreSQL refuses both, in text and in the JSON the events travel in.
  if (type.includes('\0')) throw new InvalidEventError(index, 'type contains a NUL character');
  if (!type.isWellFormed()) throw new InvalidEventError(index, 'type contains a lone UTF-16 surrogate');
  if (eventId !== undefined && (typeof eventId !== 'string' || !isUuid(eventId))) {
    throw new InvalidEventError(index, `eventId ${JSON.stringify(eventId)} is not a UUID`);
  }
  const rev = revision ?? 1;
  if (typeof rev !== 'number' || !Number.isInteger(rev) || rev < 1 || rev > 2_147_483_647) {
    throw new InvalidEventError(index, `revision ${String(rev)} is not a positive integer`);
  }
  if (data === undefined) throw new InvalidEventError(index, 'data is missing (use null for an empty payload)');
  const dataJson = serializeJson(data, 'data');
  if ('problem' in dataJson) throw new InvalidEventError(index, dataJson.problem);
  const given: EventMetadata = metadata ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new InvalidEventError(index, 'metadata must be a plain object');
  }
  const personal = personalData === undefined ? undefined : personalFields(personalData, data, index);
  const meta = personal ? { ...given, [PERSONAL_DATA_KEY]: personal.fields.map(([field]) => field) } : given;
  for (const key of ID_KEYS) {
    if (meta[key] !== undefined && typeof meta[key] !== 'string') {
      throw new InvalidEventError(index, `metadata.${key} must be a string`);
    }
  }
  const metadataJson = serializeJson(meta, 'metadata');
  if ('problem' in metadataJson) throw new InvalidEventError(index, metadataJson.problem);
  // Characters count at most 3 UTF-8 bytes each: only a payload near the limit is measured.
  const length = dataJson.json.length + metadataJson.json.length;
  const size =
    length * 3 <= maxEventSize ? length : Buffer.byteLength(dataJson.json) + Buffer.byteLength(metadataJson.json);
  if (size > maxEventSize) throw new EventTooLargeError(index, size, maxEventSize);
  return {
    eventId: eventId === undefined ? randomUUID() : eventId.toLowerCase(),
    type,
    revision: rev,
    dataJson: dataJson.json,
    metadataJson: metadataJson.json,
    tags: prepareTags(tags, index),
    ...(personal ? { personal } : {}),
  };
}

/** Whether `text` is a UUID in its 8-4-4-4-12 hex form, either case (a regex costs more per event). */
function isUuid(text: string): boolean {
  if (text.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false; // '-'
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) {
      return false; // not 0-9, a-f or A-F
    }
  }
  return true;
}

/** The event types an append writes, as the store's `committed` hook reports them. @internal */
export function typesOf(prepared: PreparedAppend): ReadonlySet<string> {
  return new Set(prepared.events.map((event) => event.type));
}

/** `prepared` with the current requirements of `hook`, when there are any. @internal */
export function withRequirements(prepared: PreparedAppend, hook: AppendRequirementsHook | undefined): PreparedAppend {
  const required = hook?.current();
  return required && required.length > 0 ? { ...prepared, required } : prepared;
}
