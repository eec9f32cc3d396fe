import { DatabaseError, Pool, type PoolClient, type QueryConfig, type QueryResult, type QueryResultRow } from 'pg';
import type { BenchEvent } from './bench-event';
import type { BenchSide, GlobalReader } from './bench-side';
import { depositTotalStream } from './deposit-total';

const UNIQUE_VIOLATION = '23505';
const STREAM_VERSION_KEY = 'es_events_stream_version_key';

// The baseline writes the rows the store writes, into the store's own tables: each event
// with its version, and the stream's es_streams row with its first event. Each append is
// one autocommit statement that checks the expected version itself, as the store's do;
// named, so `pg` prepares each once per connection. `$2` is the stream, `$3` the version
// the writer expects.
const INSERT_EVENTS = 'INSERT INTO es_events (event_id, stream_id, version, type, data, metadata)';
const GUARD = '(SELECT coalesce(max(version), 0) FROM es_events WHERE stream_id = $2) = $3::bigint';
const ONE_EVENT = `${INSERT_EVENTS} SELECT $1::uuid, $2::text, $3::bigint + 1, $4::text, $5::jsonb, $6::jsonb WHERE ${GUARD}`;
// With the stream's type as $7 (the store's default: the stream id before its first dash).
const STREAM_ROW = `INSERT INTO es_streams (stream_id, stream_type) SELECT $2, $7::text FROM inserted WHERE version = 1
    ON CONFLICT (stream_id) DO NOTHING`;

/** The statements of the raw side, quoted as they are in results.md. */
export const RAW_STATEMENTS = {
  /** One event after version $3 (> 0). */
  appendNext: { name: 'raw-append-next', text: ONE_EVENT },
  /** The same, where races are expected: a lost one inserts nothing instead of failing. */
  appendNextUnlessTaken: {
    name: 'raw-append-next-unless-taken',
    text: `${ONE_EVENT} ON CONFLICT (stream_id, version) DO NOTHING`,
  },
  /** The first event of a stream ($3 = 0), with its es_streams row. */
  appendFirst: {
    name: 'raw-append-first',
    text: `WITH inserted AS (${ONE_EVENT} RETURNING version), stream AS (${STREAM_ROW}) SELECT count(*)::int AS inserted FROM inserted`,
  },
  /** Several events after version $3, with the es_streams row when they are the stream's first. */
  appendMany: {
    name: 'raw-append-many',
    text: `WITH inserted AS (${INSERT_EVENTS}
      SELECT e.event_id, $2::text, $3::bigint + e.n, e.type, e.data, e.metadata
        FROM unnest($1::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY AS e(event_id, type, data, metadata, n)
       WHERE ${GUARD}
      RETURNING version
    ), stream AS (${STREAM_ROW}) SELECT count(*)::int AS inserted FROM inserted`,
  },
  streamVersion: {
    name: 'raw-stream-version',
    text: 'SELECT coalesce(max(version), 0)::int AS version FROM es_events WHERE stream_id = $1',
  },
  /** The columns the store's reads select, in version order. */
  readStream: {
    name: 'raw-read-stream',
    text: `SELECT position, transaction_id, event_id, stream_id, version, type, revision, data, metadata, created_at
      FROM es_events WHERE stream_id = $1 ORDER BY version`,
  },
  /** The store's gap-safe global order: below the oldest open transaction, by (transaction_id, position). */
  readPage: {
    name: 'raw-read-page',
    text: `SELECT position, transaction_id, event_id, stream_id, version, type, revision, data, metadata, created_at
      FROM es_events
     WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
       AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY transaction_id, position LIMIT $3`,
  },
} as const;

interface RawRow {
  position: string;
  transaction_id: string;
  stream_id: string;
  data: { amount: number };
}

function reportConnectionError(error: Error): void {
  console.error(`raw: a pooled connection failed: ${error.message}`);
}

/**
 * The baseline: plain SQL on a `pg.Pool`, with the store's guarantees (the expected
 * version checked in the statement, the same rows written, the same columns read). Every
 * call checks a client out and releases it (`pool.query` throws a connection away on any
 * error, such as a unique violation).
 */
export class RawPgSide implements BenchSide {
  private constructor(private readonly pool: Pool) {}

  static open(url: string, poolSize: number): RawPgSide {
    const pool = new Pool({ connectionString: url, max: poolSize, application_name: 'bench-raw' });
    // A dying connection would otherwise be an unhandled 'error' event that kills the cell;
    // the query that meets it fails and ends the cell instead.
    pool.on('error', reportConnectionError);
    pool.on('connect', (client) => client.on('error', reportConnectionError));
    return new RawPgSide(pool);
  }

  async append(streamId: string, expectedVersion: number, events: readonly BenchEvent[]): Promise<boolean> {
    const [only] = events;
    if (events.length !== 1 || !only) {
      const values = [
        events.map((e) => e.eventId),
        streamId,
        expectedVersion,
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
        streamTypeOf(streamId),
      ];
      return this.inserts({ ...RAW_STATEMENTS.appendMany, values });
    }
    return this.appendOne(RAW_STATEMENTS.appendNext, streamId, expectedVersion, only);
  }

  appendContended(streamId: string, expectedVersion: number, event: BenchEvent): Promise<boolean> {
    return this.appendOne(RAW_STATEMENTS.appendNextUnlessTaken, streamId, expectedVersion, event);
  }

  async streamVersion(streamId: string): Promise<number> {
    const [row] = await this.rows<{ version: number }>({ ...RAW_STATEMENTS.streamVersion, values: [streamId] });
    return row!.version;
  }

  async rehydrate(totalId: string): Promise<number> {
    const rows = await this.rows<RawRow>({ ...RAW_STATEMENTS.readStream, values: [depositTotalStream(totalId)] });
    let total = 0;
    for (const row of rows) total += row.data.amount;
    return total;
  }

  globalReader(): GlobalReader {
    let after = ['0', '0'];
    return {
      nextPage: async (limit) => {
        const rows = await this.rows<RawRow>({ ...RAW_STATEMENTS.readPage, values: [...after, limit] });
        const last = rows.at(-1);
        if (last) after = [last.transaction_id, last.position];
        return { count: rows.length, lastStreamId: last?.stream_id };
      },
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** One event: `next` after version 0 would skip the es_streams row, so the first goes apart. */
  private appendOne(
    next: QueryConfig,
    streamId: string,
    expectedVersion: number,
    { eventId, type, data, metadata }: BenchEvent,
  ): Promise<boolean> {
    const values = [eventId, streamId, expectedVersion, type, JSON.stringify(data), JSON.stringify(metadata)];
    if (expectedVersion > 0) return this.inserts({ ...next, values });
    return this.inserts({ ...RAW_STATEMENTS.appendFirst, values: [...values, streamTypeOf(streamId)] });
  }

  /** Runs an append; false when it inserted nothing or lost a race to the same version. */
  private async inserts(query: QueryConfig): Promise<boolean> {
    try {
      const result = await this.execute<{ inserted?: number }>(query);
      return result.rows[0]?.inserted !== undefined ? result.rows[0].inserted > 0 : (result.rowCount ?? 0) > 0;
    } catch (error) {
      const lostRace =
        error instanceof DatabaseError && error.code === UNIQUE_VIOLATION && error.constraint === STREAM_VERSION_KEY;
      if (lostRace) return false;
      throw error;
    }
  }

  private async rows<R extends QueryResultRow>(query: QueryConfig): Promise<R[]> {
    return (await this.execute<R>(query)).rows;
  }

  private async execute<R extends QueryResultRow>(query: QueryConfig): Promise<QueryResult<R>> {
    const client: PoolClient = await this.pool.connect();
    try {
      return await client.query<R>(query);
    } finally {
      client.release();
    }
  }
}

/** The stream type the store stores by default: the stream id before its first dash. */
function streamTypeOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : '';
}
