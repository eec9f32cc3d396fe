import { createHash } from 'node:crypto';
import type { Statement } from './statement';
import { gatesOf, permittedRowOf, type Gates } from './permitted-sql';

/**
 * How the events of a statement travel: as one `jsonb` array of objects (`document`), or
 * as parallel arrays, one per column (`arrays`). The document is cheaper at both ends:
 * Node joins strings it already has, where `pg` escapes every element of an array
 * literal, and PostgreSQL parses one document, where it unescapes the literal and parses
 * each element (about 500 µs less for 100 small events, measured). But a `jsonb` value
 * holds at most 256 MB, so appends whose JSON passes {@link DOCUMENT_LIMIT} go as arrays.
 * @internal
 */
export type EventsForm = 'document' | 'arrays';

/** One statement in both forms. @internal */
export interface TwoForms {
  document: Statement;
  arrays: Statement;
}

/**
 * Characters of JSON up to which events go as one document. A number of one character
 * takes about 12 bytes in `jsonb`, so 16 Mi characters stay far below its 256 MB. @internal
 */
export const DOCUMENT_LIMIT = 16 * 1024 * 1024;

/** The append statements of one schema (`s`, quoted); `PostgresAppend` says when each runs. @internal */
export interface AppendStatements {
  /** Events after a number, if that version exists. */
  next: TwoForms;
  /** `next` without the check, for a version known to be stored. */
  nextKnown: TwoForms;
  /** One event after a number, with plain parameters; and without the check. */
  nextOne: Statement;
  nextOneKnown: Statement;
  /** The first events of a stream, and its es_streams row. */
  first: TwoForms;
  /** Events after the stream's highest version ('any', 'stream_exists'). */
  atEnd: TwoForms;
  /** Single events of distinct streams, each after its own version (group commit). */
  nextOfMany: TwoForms;
  /** Where the event ids of a failed append are stored, for several and for one. */
  replay: Statement;
  replayOne: Statement;
  /** Whether the stream is hard-deleted, asked when an append to an empty stream wrote nothing. */
  tombstoned: Statement;
}

/**
 * The statements for tagged events and conditional appends: as `first`, `atEnd`, `next`
 * and `nextKnown`, with each event's tags, gated by `es_append_guard` (run once, before
 * any row goes in: it takes the condition's and the tags' advisory locks and checks the
 * condition). $4 the lock keys of the tags, $5 which are exclusive, $6 and $7 the
 * condition's items (their types and their tags, null for no condition), $8 its
 * snapshot, $9 its position, $10 the event ids of the append (its own events, stored by
 * an earlier try, do not count); the events from $11.
 * @internal
 */
export interface TaggedAppendStatements {
  first: TwoForms;
  atEnd: TwoForms;
  next: TwoForms;
  nextKnown: TwoForms;
  /** One event after a number, with plain parameters (the event from $11, its tags $16). */
  nextOne: Statement;
  nextOneKnown: Statement;
}

/** Every append statement of a schema, plain and tagged. @internal */
export type AllAppendStatements = AppendStatements & { tagged: TaggedAppendStatements };

/**
 * The append statements of schema `s`. `keyed`: the same statements for appends that
 * carry personal data, each gated as well by `es_claim_subject_keys` (the stream, the
 * subjects and their keys as stored, in the two parameters after all the others), which
 * stores new subjects' keys in the append's statement; `required`: for appends that need
 * permissions, gated by `permitted` (`permittedOf`, the last parameter), answered as a
 * fourth column (0: a permission is missing, nothing written). Appends without either
 * never run these. @internal
 */
export function buildAppendStatements(s: string, keyed = false, required = false): AllAppendStatements {
  // $1 stream id, $2 stream type, $3 expected version, $4… the events (tagged: $11…).
  const eventRows = (p: number, tagged: boolean): Record<EventsForm, string> => ({
    document: `(SELECT (x.e->>'id')::uuid AS id, x.e->>'type' AS type, (x.e->>'revision')::integer AS revision,
                x.e->'data' AS data, x.e->'metadata' AS metadata${tagged ? ", x.e->'tags' AS tags" : ''}, x.n
           FROM jsonb_array_elements($${p}::jsonb) WITH ORDINALITY AS x(e, n)) e`,
    arrays: `unnest($${p}::uuid[], $${p + 1}::text[], $${p + 2}::integer[], $${p + 3}::jsonb[], $${p + 4}::jsonb[]${tagged ? `, $${p + 5}::jsonb[]` : ''}) WITH ORDINALITY AS e(id, type, revision, data, metadata${tagged ? ', tags' : ''}, n)`,
  });
  const events = eventRows(4, false);
  const insertOf = (tagged: boolean): string =>
    `INSERT INTO ${s}.es_events (event_id, stream_id, version, type, revision, data, metadata${tagged ? ', tags' : ''})`;
  const insert = insertOf(false);
  const columnsOf =
    (tagged: boolean) =>
    (base: string): string =>
      `e.id, $1::text, ${base} + e.n, e.type, e.revision, e.data, e.metadata${tagged ? ', ARRAY(SELECT jsonb_array_elements_text(e.tags))' : ''}`;
  const streamRow = `INSERT INTO ${s}.es_streams (stream_id, stream_type)`;
  // A hard-deleted stream's id takes nothing more, whatever a process knows of its versions.
  const alive = (stream: string): string =>
    `NOT EXISTS (SELECT 1 FROM ${s}.es_stream_tombstones WHERE stream_id = ${stream})`;
  const notTombstoned = ` AND ${alive('$1::text')}`;
  const versionExists = `EXISTS (SELECT 1 FROM ${s}.es_events WHERE stream_id = $1::text AND version = $3::bigint)`;
  // One row back however many events went in: the count and the last one's place.
  const summary = `SELECT count(*) AS inserted, max(position) AS position, max(version) AS version FROM inserted`;
  // The subjects' keys at $at and $at + 1, after every other parameter; then the requirements.
  const keyGate = (at: number): string =>
    keyed ? ` AND (SELECT ${s}.es_claim_subject_keys($1::text, $${at}::text[], $${at + 1}::bytea[]))` : '';
  const gatesAt = gatesOf(s, keyGate, keyed ? 2 : 0, summary, required);
  // The events from $p: one document ($p), or one array per column ($p… $p + 4, and the tags).
  // `gates`: a condition of each form (the guard, which reads the tenant from the events).
  const bothForms = (
    text: (rows: string, after: Gates, gate: string) => string,
    rows = events,
    p = 4,
    tagged = false,
    gates: Record<EventsForm, string> = { document: '', arrays: '' },
  ): TwoForms => ({
    document: named(text(rows.document, gatesAt(p + 1), gates.document)),
    arrays: named(text(rows.arrays, gatesAt(p + (tagged ? 6 : 5)), gates.arrays)),
  });
  // A single-event insert (ending in its guards) and its gates from $at, answering as the others.
  const single = (insert: string, at: number, end = ' '): Statement => {
    const { keys, before, summary: answer } = gatesAt(at);
    if (!required) return named(`${insert}${keys}${end}RETURNING 1 AS inserted, position, version`);
    return named(`WITH ${before}inserted AS (${insert}${keys}${end}RETURNING position, version) ${answer}`);
  };
  // The guard, with the tenant of the append: its first event's metadata.tenantId.
  const guardOf = (tenant: string): string =>
    ` AND (SELECT ${s}.es_append_guard($4::bigint[], $5::boolean[], false, $6::text[], $7::text[], $8::text, $9::bigint, $10::uuid[], ${tenant}))`;
  /** The statements that take several events, plain or tagged (then gated by the guard). */
  const family = (tagged: boolean): Omit<TaggedAppendStatements, 'nextOne' | 'nextOneKnown'> => {
    const p = tagged ? 11 : 4;
    const rows = tagged ? eventRows(p, true) : events;
    const gates: Record<EventsForm, string> = tagged
      ? {
          document: guardOf(`$${p}::jsonb->0->'metadata'->>'tenantId'`),
          arrays: guardOf(`($${p + 4}::jsonb[])[1]->>'tenantId'`),
        }
      : { document: '', arrays: '' };
    const forms = (text: (rows: string, after: Gates, gate: string) => string): TwoForms =>
      bothForms(text, rows, p, tagged, gates);
    const ins = insertOf(tagged);
    const columns = columnsOf(tagged);
    const after =
      (guard: string) =>
      (source: string, { keys, before, summary }: Gates, gate: string): string => `WITH ${before}inserted AS (
        ${ins} SELECT ${columns('$3::bigint')} FROM ${source}
         WHERE $2::text IS NOT NULL${notTombstoned}${guard}${gate}${keys}
        RETURNING position, version
      ) ${summary}`;
    return {
      next: forms(after(` AND ${versionExists}`)),
      nextKnown: forms(after('')),
      first: forms(
        (source, { keys, before, summary }, gate) => `WITH ${before}inserted AS (
        ${ins} SELECT ${columns('0')} FROM ${source} WHERE $2::text IS NOT NULL AND $3::bigint = 0${notTombstoned}${gate}${keys}
        RETURNING position, version
      ), stream AS (
        ${streamRow} SELECT $1::text, $2::text FROM inserted LIMIT 1 ON CONFLICT (stream_id) DO NOTHING
      ) ${summary}`,
      ),
      atEnd: forms(
        (source, { keys, before, summary }, gate) => `WITH ${before}current AS (
        SELECT coalesce(max(version), 0) AS v FROM ${s}.es_events WHERE stream_id = $1::text
      ), inserted AS (
        ${ins} SELECT ${columns('c.v')} FROM current c, ${source}
         WHERE ($3::bigint IS NULL OR c.v > 0)${notTombstoned}${gate}${keys}
        RETURNING position, version
      ), stream AS (
        ${streamRow} SELECT $1::text, $2::text FROM current c WHERE c.v = 0 AND EXISTS (SELECT 1 FROM inserted)
        ON CONFLICT (stream_id) DO NOTHING
      ) ${summary}`,
      ),
    };
  };
  const plain = family(false);
  // The hot path, one event after a given version, with plain parameters.
  const oneAfter = (guard: string): Statement =>
    single(
      `${insert}
        SELECT $4::uuid, $1::text, $3::bigint + 1, $5::text, $6::integer, $7::jsonb, $8::jsonb
         WHERE $2::text IS NOT NULL${notTombstoned}${guard}`,
      9,
    );
  const taggedOneAfter = (guard: string): Statement =>
    single(
      `${insertOf(true)}
        SELECT $11::uuid, $1::text, $3::bigint + 1, $12::text, $13::integer, $14::jsonb, $15::jsonb, $16::text[]
         WHERE $2::text IS NOT NULL${notTombstoned}${guard}
          ${guardOf(`$15::jsonb->>'tenantId'`)}`,
      17,
      '\n        ',
    );
  // Single events of distinct streams: $1 the events, each with its stream and expected version.
  const many: Record<EventsForm, string> = {
    document: `(SELECT x.e->>'stream' AS stream_id, (x.e->>'expected')::bigint AS expected, (x.e->>'id')::uuid AS id,
                x.e->>'type' AS type, (x.e->>'revision')::integer AS revision, x.e->'data' AS data, x.e->'metadata' AS metadata${required ? ", x.e->'required' AS required" : ''}
           FROM jsonb_array_elements($1::jsonb) AS x(e)) i`,
    arrays: `unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::integer[], $6::jsonb[], $7::jsonb[]${required ? ', $8::jsonb[]' : ''})
               AS i(stream_id, expected, id, type, revision, data, metadata${required ? ', required' : ''})`,
  };
  return {
    ...plain,
    nextOne: oneAfter(` AND ${versionExists}`),
    nextOneKnown: oneAfter(''),
    tagged: {
      ...family(true),
      nextOne: taggedOneAfter(` AND ${versionExists}`),
      nextOneKnown: taggedOneAfter(''),
    },
    // A row whose version is taken or missing goes in as nothing.
    nextOfMany: bothForms(
      (rows) => `${insert}
        SELECT i.id, i.stream_id, i.expected + 1, i.type, i.revision, i.data, i.metadata
          FROM ${rows}
         WHERE EXISTS (SELECT 1 FROM ${s}.es_events WHERE stream_id = i.stream_id AND version = i.expected)
           AND ${alive('i.stream_id')}${required ? permittedRowOf(s) : ''}
        ON CONFLICT (stream_id, version) DO NOTHING
        RETURNING stream_id, event_id, position, version`,
      many,
    ),
    // Where each event id of an append is stored, if anywhere, in the append's order, and
    // the stream's version: all a failed append needs to know, in one round trip.
    replay: named(`SELECT ${s}.es_append_conflict($2::text, $1::uuid[]) AS found`),
    replayOne: named(`SELECT * FROM ${s}.es_append_conflict_one($2::text, $1::uuid)`),
    tombstoned: named(`SELECT 1 FROM ${s}.es_stream_tombstones WHERE stream_id = $1::text`),
  };
}

/** A named statement: prepared once per connection, its name derived from its text. */
function named(text: string): Statement {
  return { name: `es_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text };
}
