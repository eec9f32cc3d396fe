import type { EventSchema, EventSchemas } from './event-schemas';

/** What a recorded file holds: each event type's revision and fields, as of the last record. */
export interface RecordedEventSchemas {
  events: Record<string, Pick<EventSchema, 'revision' | 'fields'>>;
}

/** The outcome of {@link checkEventSchemas}. */
export interface EventSchemaCheck {
  /**
   * Changes that would break reading stored events: a shape changed without a new
   * revision, a new revision without an upcaster from the old one, a type gone. Fix the
   * code; recording does not make them go away.
   */
  breaking: string[];
  /** Safe changes not yet in the recorded file (new types, revisions with their upcasters): record them. */
  unrecorded: string[];
}

/**
 * Compares the event classes of the code with the recorded file. Stored events keep the
 * shape they had when they were written, so a class whose shape changes must get a new
 * revision, and an upcaster from the old revision (chained: 1 → 2 → 3) must exist.
 * @example
 * const check = checkEventSchemas(JSON.parse(readFileSync('event-schemas.json', 'utf8')), readEventSchemas({ project: 'tsconfig.json' }));
 */
export function checkEventSchemas(recorded: RecordedEventSchemas, current: EventSchemas): EventSchemaCheck {
  const breaking: string[] = [];
  const unrecorded: string[] = [];
  for (const [type, was] of Object.entries(recorded.events)) {
    const now = current.events[type];
    if (!now) {
      breaking.push(
        `"${type}" (revision ${was.revision}) has no @DomainEvent class any more, but stored events of it stay: keep the class (an upcaster can move its data on).`,
      );
      continue;
    }
    const changes = fieldChanges(was.fields, now.fields);
    if (now.revision < was.revision) {
      breaking.push(`${now.className} ("${type}") went back from revision ${was.revision} to ${now.revision}.`);
    } else if (now.revision === was.revision) {
      if (changes.length) {
        breaking.push(
          `${now.className} ("${type}") changed shape at revision ${now.revision} (${changes.join(', ')}): events stored before read differently now. Raise its revision to ${now.revision + 1} and add an upcaster from ${now.revision}.`,
        );
      }
    } else {
      const have = current.upcasters[type] ?? [];
      const missing = revisionsBetween(was.revision, now.revision).filter((r) => !have.includes(r));
      if (missing.length) {
        breaking.push(
          `${now.className} ("${type}") is at revision ${now.revision}, recorded at ${was.revision}, with no upcaster from revision ${missing.join(', ')}: add @Upcaster({ type: '${type}', fromRevision: ${missing[0]} }).`,
        );
      } else {
        unrecorded.push(
          `${now.className} ("${type}") moved from revision ${was.revision} to ${now.revision} (${changes.join(', ') || 'same fields'}).`,
        );
      }
    }
  }
  for (const [type, now] of Object.entries(current.events)) {
    if (!recorded.events[type]) unrecorded.push(`${now.className} ("${type}") is new, at revision ${now.revision}.`);
  }
  return { breaking, unrecorded };
}

/** The file to commit for a code base's events. */
export function recordEventSchemas(current: EventSchemas): RecordedEventSchemas {
  const events = Object.entries(current.events)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, { revision, fields }]) => [type, { revision, fields }] as const);
  return { events: Object.fromEntries(events) };
}

function fieldChanges(was: Record<string, string>, now: Record<string, string>): string[] {
  const changes: string[] = [];
  for (const [name, type] of Object.entries(was)) {
    if (!(name in now)) changes.push(`${name}: ${type} removed`);
    else if (now[name] !== type) changes.push(`${name}: ${type} became ${now[name]}`);
  }
  for (const [name, type] of Object.entries(now)) if (!(name in was)) changes.push(`${name}: ${type} added`);
  return changes;
}

function revisionsBetween(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
