import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { AppendResult } from '../event-store';
import type { PreparedAppend, PreparedEvent } from '../prepared-append';
import { replayRowOf, settleAppend, type ConflictOneRow, type ReplayRow } from './append-outcome';
import { KnownVersions } from './known-versions';
import type { Statement } from './read-statements';
import { pgErrorOf } from './postgres-errors';

/**
 * What an append statement answers: how many events it inserted, and the last one's
 * place; or, from the contended single-event statement when it inserted nothing, what
 * `es_append_conflict_one` found.
 */
interface InsertedRow extends Partial<ConflictOneRow> {
  inserted: string | number;
  position: string | null;
  version: string | null;
}

/**
 * An append is one statement (named, so prepared once per connection), and the unique
 * (stream_id, version) key does the concurrency control, as in the plainest SQL:
 *
 * - expected version n > 0: insert versions n+1… if version n exists. A stream that is
 *   ahead fails on the unique key; one that is behind inserts nothing. When version n is
 *   known to be stored (`known`), the check is left out.
 * - expected 0 / 'no_stream': insert versions 1…, and the stream's es_streams row.
 * - 'any' / 'stream_exists': insert after the highest stored version.
 *
 * Nothing takes a lock, and a losing append writes nothing. Only when nothing was
 * inserted is a retry of an earlier append (same ids at the same versions: done, nothing
 * written) told from a conflict: by a second query, or, for a single event on a stream
 * that saw conflicts lately, in the same statement (`es_append_conflict_one`). @internal
 */
export class PostgresAppend {
  private readonly next: Statement;
  private readonly nextOne: Statement;
  /** `next` and `nextOne` without the check that the expected version exists, for a known one. */
  private readonly nextKnown: Statement;
  private readonly nextOneKnown: Statement;
  /** Versions known to be stored: an append expecting one of them skips that check. */
  readonly known = new KnownVersions();
  private readonly nextOneContended: Statement;
  /** Streams that saw a conflict lately, with when: their single-event appends use `nextOneContended`. */
  private readonly contended = new Map<string, number>();
  private readonly first: Statement;
  private readonly atEnd: Statement;
  private readonly replay: Statement;
  private readonly replayOne: Statement;
  private readonly nextOfMany: Statement;

  constructor(s: string) {
    // $1 stream id, $2 stream type, $3 expected version, $4… the events as parallel arrays.
    const rows = `unnest($4::uuid[], $5::text[], $6::integer[], $7::jsonb[], $8::jsonb[]) WITH ORDINALITY AS e(id, type, revision, data, metadata, n)`;
    const insert = `INSERT INTO ${s}.es_events (event_id, stream_id, version, type, revision, data, metadata)`;
    const columns = (base: string): string => `e.id, $1::text, ${base} + e.n, e.type, e.revision, e.data, e.metadata`;
    const streamRow = `INSERT INTO ${s}.es_streams (stream_id, stream_type)`;
    const versionExists = `EXISTS (SELECT 1 FROM ${s}.es_events WHERE stream_id = $1::text AND version = $3::bigint)`;
    // One row back however many events went in: the count and the last one's place.
    const summary = `SELECT count(*) AS inserted, max(position) AS position, max(version) AS version FROM inserted`;
    const after = (guard: string): string => `WITH inserted AS (
        ${insert} SELECT ${columns('$3::bigint')} FROM ${rows}
         WHERE $2::text IS NOT NULL${guard}
        RETURNING position, version
      ) ${summary}`;
    this.next = named(after(` AND ${versionExists}`));
    this.nextKnown = named(after(''));
    // The hot path, one event after a given version, with plain parameters.
    const oneAfter = (guard: string): string => `${insert}
        SELECT $4::uuid, $1::text, $3::bigint + 1, $5::text, $6::integer, $7::jsonb, $8::jsonb
         WHERE $2::text IS NOT NULL${guard}`;
    const one = oneAfter(` AND ${versionExists}`);
    this.nextOne = named(`${one} RETURNING 1 AS inserted, position, version`);
    this.nextOneKnown = named(`${oneAfter('')} RETURNING 1 AS inserted, position, version`);
    // The same on a stream that saw a conflict lately: a lost race inserts nothing rather
    // than failing (no error to raise, log and catch, no dead row), and the same round trip
    // asks es_append_conflict_one what stands instead. A little slower when nothing conflicts.
    // Only for one event: of several, some could go in where others conflict.
    this.nextOneContended = named(`WITH inserted AS (
        ${one}
        ON CONFLICT (stream_id, version) DO NOTHING
        RETURNING position, version
      )
      SELECT 1 AS inserted, position, version, NULL::bigint AS current_version, NULL::text AS stored_stream_id,
             NULL::bigint AS stored_version, NULL::bigint AS stored_position
        FROM inserted
      UNION ALL
      SELECT 0, NULL, NULL, c.* FROM ${s}.es_append_conflict_one($1::text, $4::uuid) c
       WHERE NOT EXISTS (SELECT 1 FROM inserted)`);
    // Single events of distinct streams, each after its own known version, in one
    // statement (AppendBatcher): a row whose version is taken or missing goes in as nothing.
    this.nextOfMany = named(`${insert}
        SELECT i.id, i.stream_id, i.expected + 1, i.type, i.revision, i.data, i.metadata
          FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::integer[], $6::jsonb[], $7::jsonb[])
               AS i(stream_id, expected, id, type, revision, data, metadata)
         WHERE EXISTS (SELECT 1 FROM ${s}.es_events WHERE stream_id = i.stream_id AND version = i.expected)
        ON CONFLICT (stream_id, version) DO NOTHING
        RETURNING stream_id, event_id, position, version`);
    this.first = named(`WITH inserted AS (
        ${insert} SELECT ${columns('0')} FROM ${rows} WHERE $2::text IS NOT NULL AND $3::bigint = 0
        RETURNING position, version
      ), stream AS (
        ${streamRow} SELECT $1::text, $2::text FROM inserted LIMIT 1 ON CONFLICT (stream_id) DO NOTHING
      ) ${summary}`);
    this.atEnd = named(`WITH current AS (
        SELECT coalesce(max(version), 0) AS v FROM ${s}.es_events WHERE stream_id = $1::text
      ), inserted AS (
        ${insert} SELECT ${columns('c.v')} FROM current c, ${rows}
         WHERE $3::bigint IS NULL OR c.v > 0
        RETURNING position, version
      ), stream AS (
        ${streamRow} SELECT $1::text, $2::text FROM current c WHERE c.v = 0 AND EXISTS (SELECT 1 FROM inserted)
        ON CONFLICT (stream_id) DO NOTHING
      ) ${summary}`);
    // Where each event id of an append is stored, if anywhere, in the append's order, and
    // the stream's version: all a failed append needs to know, in one round trip.
    this.replay = named(`SELECT ${s}.es_append_conflict($2::text, $1::uuid[]) AS found`);
    this.replayOne = named(`SELECT * FROM ${s}.es_append_conflict_one($2::text, $1::uuid)`);
  }

  /**
   * Runs the append on `client`.
   * @throws ConcurrencyError when the expected version does not match (and it is no replay).
   * @throws DuplicateEventIdError for an event id stored other than as an exact retry.
   * @throws AppendRaceError when a concurrent append got in between the check and the insert
   *   (nothing written; worth another try).
   */
  async run(client: PoolClient, prepared: PreparedAppend, inTransaction: boolean): Promise<AppendResult> {
    if (!inTransaction) {
      const result = await this.attempt(client, prepared);
      this.known.learn(prepared.streamId, result.streamVersion);
      return result;
    }
    // In a caller's transaction a failed statement would abort it: a savepoint keeps it usable.
    await client.query('SAVEPOINT es_append');
    try {
      const result = await this.attempt(client, prepared, () => client.query('ROLLBACK TO SAVEPOINT es_append'));
      await client.query('RELEASE SAVEPOINT es_append');
      return result;
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT es_append').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Whether `prepared` may share a statement with others (see {@link runMany}): what
   * would go alone by the uncontended single-event statement, one event after a number.
   */
  joinable(prepared: PreparedAppend): boolean {
    const { statement } = this.statementFor(prepared);
    return statement === this.nextOne || statement === this.nextOneKnown;
  }

  /**
   * Runs joinable appends of distinct streams as one statement, outside a transaction,
   * in the order given (callers sort by stream, so that two instances never lock in
   * opposite orders).
   * Returns each one's result in order, or undefined for one that wrote nothing: it must be
   * run again alone to learn why (a conflict, an exact retry).
   */
  async runMany(client: PoolClient, prepared: readonly PreparedAppend[]): Promise<(AppendResult | undefined)[]> {
    const column = <T>(pick: (p: PreparedAppend, e: PreparedEvent) => T): T[] =>
      prepared.map((p) => pick(p, p.events[0]!));
    const values = [
      column((p) => p.streamId),
      column((p) => p.expectedVersion),
      column((_, e) => e.eventId),
      column((_, e) => e.type),
      column((_, e) => e.revision),
      column((_, e) => e.dataJson),
      column((_, e) => e.metadataJson),
    ];
    const { rows } = await client.query<{ stream_id: string; event_id: string; position: string; version: string }>({
      ...this.nextOfMany,
      values,
    });
    // By stream (each appears once): another append of the batch may carry the same event id.
    const byStream = new Map(rows.map((row) => [row.stream_id, row]));
    return prepared.map((p) => {
      const row = byStream.get(p.streamId);
      if (row?.event_id !== p.events[0]!.eventId) return undefined;
      this.known.learn(p.streamId, Number(row.version));
      return { streamVersion: Number(row.version), position: BigInt(row.position), written: true };
    });
  }

  private async attempt(
    client: PoolClient,
    prepared: PreparedAppend,
    afterFailure?: () => Promise<unknown>,
  ): Promise<AppendResult> {
    const { streamId, streamType, events } = prepared;
    const { statement, expected, single } = this.statementFor(prepared);
    const columns = <T>(pick: (e: PreparedEvent) => T): T[] | T => (single ? pick(events[0]!) : events.map(pick));
    const values = [
      streamId,
      streamType,
      expected,
      columns((e) => e.eventId),
      columns((e) => e.type),
      columns((e) => e.revision),
      columns((e) => e.dataJson),
      columns((e) => e.metadataJson),
    ];
    let row: InsertedRow | undefined;
    try {
      [row] = (await client.query<InsertedRow>({ ...statement, values })).rows;
    } catch (error) {
      if (pgErrorOf(error)?.code !== '23505') throw error;
      this.sawConflict(streamId);
      await afterFailure?.();
      return this.replayOrThrow(client, prepared, error);
    }
    if (row && Number(row.inserted) === events.length) {
      return { streamVersion: Number(row.version), position: BigInt(row.position!), written: true };
    }
    this.sawConflict(streamId);
    return row?.current_version != null
      ? settleAppend(prepared, [replayRowOf(row)])
      : this.replayOrThrow(client, prepared);
  }

  private isContended(streamId: string): boolean {
    const since = this.contended.get(streamId);
    if (since === undefined) return false;
    if (Date.now() - since < CONTENDED_FOR_MS) return true;
    this.contended.delete(streamId);
    return false;
  }

  private sawConflict(streamId: string): void {
    // Bounded: forgetting a stream only costs its next lost race a second round trip.
    if (this.contended.size >= 1_000 && !this.contended.has(streamId)) this.contended.clear();
    this.contended.set(streamId, Date.now());
  }

  /**
   * The statement for `prepared`, the expected version it takes, and whether it takes
   * one event's columns as plain parameters rather than arrays.
   */
  private statementFor({ streamId, expectedVersion, events }: PreparedAppend): {
    statement: Statement;
    expected: number | null;
    single: boolean;
  } {
    if (expectedVersion === 0 || expectedVersion === 'no_stream') {
      return { statement: this.first, expected: 0, single: false };
    }
    if (typeof expectedVersion !== 'number') {
      return { statement: this.atEnd, expected: expectedVersion === 'any' ? null : 1, single: false };
    }
    const known = this.known.has(streamId, expectedVersion);
    if (events.length > 1)
      return { statement: known ? this.nextKnown : this.next, expected: expectedVersion, single: false };
    const statement = this.isContended(streamId) ? this.nextOneContended : known ? this.nextOneKnown : this.nextOne;
    return { statement, expected: expectedVersion, single: true };
  }

  /**
   * Nothing was written: the append was done before (same ids at the same versions), or
   * it conflicts. `cause` is the unique violation, when there was one.
   */
  private async replayOrThrow(client: PoolClient, prepared: PreparedAppend, cause?: unknown): Promise<AppendResult> {
    const { streamId, events } = prepared;
    const [only] = events;
    if (events.length === 1 && only) {
      const { rows } = await client.query<ConflictOneRow>({ ...this.replayOne, values: [only.eventId, streamId] });
      return settleAppend(prepared, [replayRowOf(rows[0]!)], cause);
    }
    const { rows } = await client.query<{ found: ReplayRow[] }>({
      ...this.replay,
      values: [events.map((e) => e.eventId), streamId],
    });
    return settleAppend(prepared, rows[0]!.found, cause);
  }
}

/** How long a stream counts as contended after its last conflict. */
const CONTENDED_FOR_MS = 10_000;

/** A named statement: prepared once per connection, its name derived from its text. */
function named(text: string): Statement {
  return { name: `es_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text };
}
