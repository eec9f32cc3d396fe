import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { ConcurrencyError } from '../../errors/concurrency-error';
import { DuplicateEventIdError } from '../../errors/duplicate-event-id-error';
import type { AppendResult } from '../event-store';
import { expectedVersionMatches, replayBaseMatches, type ExpectedVersion } from '../expected-version';
import type { PreparedAppend, PreparedEvent } from '../prepared-append';
import { pgErrorOf } from './postgres-errors';

/** Thrown when a concurrent append took the same versions first; nothing was written. @internal */
export class AppendRaceError extends Error {
  constructor(readonly streamId: string) {
    super(`A concurrent append to "${streamId}" took the same versions; nothing was written.`);
  }
}

interface Statement {
  name: string;
  text: string;
}

interface InsertedRow {
  position: string;
  version: string;
}

interface ReplayRow {
  stream_id: string | null;
  version: string | null;
  position: string | null;
  current_version: string;
}

/**
 * An append is one statement (named, so prepared once per connection), and the unique
 * (stream_id, version) key does the concurrency control, as in the plainest SQL:
 *
 * - expected version n > 0: insert versions n+1… if version n exists. A stream that is
 *   ahead fails on the unique key; one that is behind inserts nothing.
 * - expected 0 / 'no_stream': insert versions 1…, and the stream's es_streams row.
 * - 'any' / 'stream_exists': insert after the highest stored version.
 *
 * Nothing takes a lock, and a losing append writes nothing. Only when nothing was
 * inserted does a second query tell a retry of an earlier append (same ids at the same
 * versions: done, nothing written) from a conflict. @internal
 */
export class PostgresAppend {
  private readonly next: Statement;
  private readonly nextOne: Statement;
  private readonly first: Statement;
  private readonly atEnd: Statement;
  private readonly replay: Statement;

  constructor(s: string) {
    // $1 stream id, $2 stream type, $3 expected version, $4… the events as parallel arrays.
    const rows = `unnest($4::uuid[], $5::text[], $6::integer[], $7::jsonb[], $8::jsonb[]) WITH ORDINALITY AS e(id, type, revision, data, metadata, n)`;
    const insert = `INSERT INTO ${s}.es_events (event_id, stream_id, version, type, revision, data, metadata)`;
    const columns = (base: string): string => `e.id, $1::text, ${base} + e.n, e.type, e.revision, e.data, e.metadata`;
    const streamRow = `INSERT INTO ${s}.es_streams (stream_id, stream_type)`;
    const versionExists = `EXISTS (SELECT 1 FROM ${s}.es_events WHERE stream_id = $1::text AND version = $3::bigint)`;
    this.next = named(`${insert}
      SELECT ${columns('$3::bigint')} FROM ${rows}
       WHERE $2::text IS NOT NULL AND ${versionExists}
      RETURNING position, version`);
    // The hot path, one event after a known version, with plain parameters.
    this.nextOne = named(`${insert}
      SELECT $4::uuid, $1::text, $3::bigint + 1, $5::text, $6::integer, $7::jsonb, $8::jsonb
       WHERE $2::text IS NOT NULL AND ${versionExists}
      RETURNING position, version`);
    this.first = named(`WITH inserted AS (
        ${insert} SELECT ${columns('0')} FROM ${rows} WHERE $2::text IS NOT NULL AND $3::bigint = 0
        RETURNING position, version
      ), stream AS (
        ${streamRow} SELECT $1::text, $2::text FROM inserted LIMIT 1 ON CONFLICT (stream_id) DO NOTHING
      ) SELECT position, version FROM inserted`);
    this.atEnd = named(`WITH current AS (
        SELECT coalesce(max(version), 0) AS v FROM ${s}.es_events WHERE stream_id = $1::text
      ), inserted AS (
        ${insert} SELECT ${columns('c.v')} FROM current c, ${rows}
         WHERE $3::bigint IS NULL OR c.v > 0
        RETURNING position, version
      ), stream AS (
        ${streamRow} SELECT $1::text, $2::text FROM current c WHERE c.v = 0 AND EXISTS (SELECT 1 FROM inserted)
        ON CONFLICT (stream_id) DO NOTHING
      ) SELECT position, version FROM inserted`);
    // Where each event id of an append is stored, if anywhere, in the append's order, and
    // the stream's version: all a failed append needs to know, in one round trip.
    this.replay = named(`SELECT ev.stream_id, ev.version, ev.position,
             (SELECT coalesce(max(version), 0) FROM ${s}.es_events WHERE stream_id = $2::text) AS current_version
        FROM unnest($1::uuid[]) WITH ORDINALITY AS w(event_id, n)
        LEFT JOIN ${s}.es_events ev ON ev.event_id = w.event_id
       ORDER BY w.n`);
  }

  /**
   * Runs the append on `client`.
   * @throws ConcurrencyError when the expected version does not match (and it is no replay).
   * @throws DuplicateEventIdError for an event id stored other than as an exact retry.
   * @throws AppendRaceError when a concurrent append got in between the check and the insert
   *   (nothing written; worth another try).
   */
  async run(client: PoolClient, prepared: PreparedAppend, inTransaction: boolean): Promise<AppendResult> {
    if (!inTransaction) return this.attempt(client, prepared);
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

  private async attempt(
    client: PoolClient,
    prepared: PreparedAppend,
    afterFailure?: () => Promise<unknown>,
  ): Promise<AppendResult> {
    const { streamId, streamType, expectedVersion, events } = prepared;
    const [chosen, expected] = this.statementFor(expectedVersion);
    const single = chosen === this.next && events.length === 1;
    const statement = single ? this.nextOne : chosen;
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
    let inserted: InsertedRow[];
    try {
      inserted = (await client.query<InsertedRow>({ ...statement, values })).rows;
    } catch (error) {
      if (pgErrorOf(error)?.code !== '23505') throw error;
      await afterFailure?.();
      return this.replayOrThrow(client, prepared, error);
    }
    if (inserted.length === events.length) {
      const last = inserted.reduce((a, b) => (BigInt(a.position) > BigInt(b.position) ? a : b));
      return { streamVersion: Number(last.version), position: BigInt(last.position), written: true };
    }
    return this.replayOrThrow(client, prepared);
  }

  private statementFor(expected: ExpectedVersion): [Statement, number | null] {
    if (expected === 0 || expected === 'no_stream') return [this.first, 0];
    if (typeof expected === 'number') return [this.next, expected];
    return [this.atEnd, expected === 'any' ? null : 1];
  }

  /**
   * Nothing was written: the append was done before (same ids at the same versions), or
   * it conflicts. `cause` is the unique violation, when there was one.
   */
  private async replayOrThrow(client: PoolClient, prepared: PreparedAppend, cause?: unknown): Promise<AppendResult> {
    const { streamId, expectedVersion, events } = prepared;
    const found = (await client.query<ReplayRow>({ ...this.replay, values: [events.map((e) => e.eventId), streamId] }))
      .rows;
    const first = found[0];
    const base = first?.version == null ? undefined : Number(first.version) - 1;
    const inPlace =
      base !== undefined &&
      replayBaseMatches(expectedVersion, base) &&
      found.every((f, i) => f.stream_id === streamId && Number(f.version) === base + i + 1);
    if (inPlace) {
      const last = found.at(-1)!;
      return { streamVersion: Number(last.version), position: BigInt(last.position!), written: false };
    }
    // As in memory: a version that does not match is reported before a stored event id.
    const current = Number(found[0]!.current_version);
    if (!expectedVersionMatches(expectedVersion, current, current > 0))
      throw new ConcurrencyError(streamId, expectedVersion, current);
    const taken = found.findIndex((f) => f.stream_id !== null);
    if (taken >= 0) throw new DuplicateEventIdError(streamId, events[taken]!.eventId, { cause });
    // The version matched when asked, so a concurrent append got in between: try again.
    throw new AppendRaceError(streamId);
  }
}

/** A named statement: prepared once per connection, its name derived from its text. */
function named(text: string): Statement {
  return { name: `es_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text };
}
