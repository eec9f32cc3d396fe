import type { PreparedAppend, PreparedEvent } from '../prepared-append';
import type { EventsForm } from './append-statements';
import { requirementsJson } from './permitted-sql';

// The values of the append statements (see `buildAppendStatements`), and which form they take.

/**
 * The form for `events`: a document unless their JSON could be too long for one.
 * `extra`: characters the document carries besides the events' own (stream ids).
 * Strings other than data and metadata count 6 characters each, the most escaping makes
 * of one (`\u001f`). @internal
 */
export function formFor(events: readonly PreparedEvent[], limit: number, extra = 0): EventsForm {
  let length = 2 + extra;
  for (const e of events) {
    length += e.dataJson.length + e.metadataJson.length + 6 * e.type.length + 100;
    for (const tag of e.tags) length += 6 * tag.length + 3;
    if (length > limit) return 'arrays';
  }
  return 'document';
}

/** The form for `nextOfMany`'s appends: {@link formFor}, with their stream ids counted. @internal */
export function formForMany(prepared: readonly PreparedAppend[], limit: number): EventsForm {
  const streamIds = prepared.reduce((length, p) => length + 6 * p.streamId.length + 40, 0);
  return formFor(
    prepared.map((p) => p.events[0]!),
    limit,
    streamIds,
  );
}

/**
 * The values after $1 stream id, $2 stream type and $3 expected version (tagged: and the
 * guard's $4…$10): the events, in `form`, with their tags when `tagged`. @internal
 */
export function eventValues(form: EventsForm, events: readonly PreparedEvent[], tagged = false): unknown[] {
  if (form === 'document') return [jsonArray(events, (e) => eventObject(e, '', tagged))];
  const column = <T>(pick: (e: PreparedEvent) => T): T[] => events.map(pick);
  return [
    column((e) => e.eventId),
    column((e) => e.type),
    column((e) => e.revision),
    column((e) => e.dataJson),
    column((e) => e.metadataJson),
    ...(tagged ? [column((e) => JSON.stringify(e.tags))] : []),
  ];
}

/** The values of `nextOfMany` (`required`: its required form): single-event appends of distinct streams, in `form`. @internal */
export function manyValues(form: EventsForm, prepared: readonly PreparedAppend[], required = false): unknown[] {
  if (form === 'document') {
    const extra = (p: PreparedAppend): string =>
      `"stream":${JSON.stringify(p.streamId)},"expected":${p.expectedVersion},${required && p.required ? `"required":${requirementsJson(p.required)},` : ''}`;
    return [jsonArray(prepared, (p) => eventObject(p.events[0]!, extra(p)))];
  }
  const column = <T>(pick: (p: PreparedAppend, e: PreparedEvent) => T): T[] =>
    prepared.map((p) => pick(p, p.events[0]!));
  return [
    column((p) => p.streamId),
    column((p) => p.expectedVersion),
    column((_, e) => e.eventId),
    column((_, e) => e.type),
    column((_, e) => e.revision),
    column((_, e) => e.dataJson),
    column((_, e) => e.metadataJson),
    ...(required ? [column((p) => (p.required ? requirementsJson(p.required) : null))] : []),
  ];
}

/**
 * One event as a JSON object, from parts that are JSON already (data and metadata were
 * serialised by `prepareAppend`, the id is a checked UUID, the revision an integer).
 */
function eventObject(e: PreparedEvent, extra: string, tagged = false): string {
  const tags = tagged ? `,"tags":${JSON.stringify(e.tags)}` : '';
  return `{${extra}"id":"${e.eventId}","type":${JSON.stringify(e.type)},"revision":${e.revision},"data":${e.dataJson},"metadata":${e.metadataJson}${tags}}`;
}

function jsonArray<T>(items: readonly T[], render: (item: T) => string): string {
  let json = '[';
  for (let i = 0; i < items.length; i++) json += (i === 0 ? '' : ',') + render(items[i]!);
  return `${json}]`;
}
