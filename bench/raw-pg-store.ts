import { Pool, type PoolClient, type QueryConfig, type QueryResult, type QueryResultRow } from 'pg';
import type { BenchEvent, BenchTarget, GlobalReader } from './bench-target';

/** The baseline's table: what an event needs, with the stream's version made unique by the index. */
const CREATE_TABLE = `CREATE TABLE raw_events (
  position   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id   uuid        NOT NULL UNIQUE,
  stream_id  text        NOT NULL,
  version    bigint      NOT NULL,
  type       text        NOT NULL,
  data       jsonb       NOT NULL,
  metadata   jsonb       NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, version)
)`;

const COLUMNS = 'position, event_id, stream_id, version, type, data, metadata, created_at';

// Named statements: pg prepares each once per connection, the best a plain `pg` user can do.
const INSERT_ONE = {
  name: 'raw-insert-one',
  text: `INSERT INTO raw_events (event_id, stream_id, version, type, data, metadata)
    VALUES ($1, $2, $3, $4, $5, $6)`,
};
// Under contention a lost race inserts nothing instead of failing: no error raised,
// logged and caught, no dead row. Faster than catching 23505, so the baseline uses it there.
const INSERT_ONE_UNLESS_TAKEN = {
  name: 'raw-insert-one-unless-taken',
  text: `${INSERT_ONE.text} ON CONFLICT (stream_id, version) DO NOTHING`,
};
const INSERT_MANY = {
  name: 'raw-insert-many',
  text: `INSERT INTO raw_events (event_id, stream_id, version, type, data, metadata)
    SELECT e.event_id, $1, $2::bigint + e.n, e.type, e.data, e.metadata
      FROM unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY AS e(event_id, type, data, metadata, n)`,
};
// The optimistic protocol both sides follow under contention: read the stream's version,
// write the next one; a writer that lost the race inserts nothing and reads again.
const READ_VERSION = {
  name: 'raw-read-version',
  text: `SELECT coalesce(max(version), 0) AS version FROM raw_events WHERE stream_id = $1`,
};
const READ_STREAM = {
  name: 'raw-read-stream',
  text: `SELECT ${COLUMNS} FROM raw_events WHERE stream_id = $1 ORDER BY version`,
};
const READ_PAGE = {
  name: 'raw-read-page',
  text: `SELECT ${COLUMNS} FROM raw_events WHERE position > $1 ORDER BY position LIMIT $2`,
};

function reportConnectionError(error: Error): void {
  console.error(`raw: a pooled connection failed: ${error.message}`);
}

interface RawRow {
  position: string;
  stream_id: string;
}

/**
 * The baseline: plain SQL on a `pg.Pool`, one autocommit statement per append, the
 * version tracked by the writer. Every call checks a client out and releases it
 * (`pool.query` would throw the connection away on any error, such as a unique violation).
 */
export class RawPgStore implements BenchTarget {
  readonly name = 'raw' as const;

  private constructor(private readonly pool: Pool) {}

  /** Connects to `url` and creates the baseline's table. */
  static async open(url: string, poolSize: number): Promise<RawPgStore> {
    const pool = new Pool({ connectionString: url, max: poolSize, application_name: 'bench-raw' });
    // A connection that dies (idle in the pool or between two queries) would otherwise be an
    // unhandled 'error' event that kills the process before the database is dropped; the
    // query that meets the dead connection fails and ends the run instead.
    pool.on('error', reportConnectionError);
    pool.on('connect', (client) => client.on('error', reportConnectionError));
    const store = new RawPgStore(pool);
    try {
      await store.run({ text: CREATE_TABLE });
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async append(streamId: string, currentVersion: number, events: readonly BenchEvent[]): Promise<void> {
    const [only] = events;
    if (events.length === 1 && only) {
      const { eventId, type, data, metadata } = only;
      const values = [eventId, streamId, currentVersion + 1, type, JSON.stringify(data), JSON.stringify(metadata)];
      await this.run({ ...INSERT_ONE, values });
      return;
    }
    await this.run({
      ...INSERT_MANY,
      values: [
        streamId,
        currentVersion,
        events.map((e) => e.eventId),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
      ],
    });
  }

  async appendContended(streamId: string, event: BenchEvent): Promise<number> {
    const { eventId, type, data, metadata } = event;
    for (let retries = 0; ; retries++) {
      const [row] = await this.run<{ version: string }>({ ...READ_VERSION, values: [streamId] });
      const values = [
        eventId,
        streamId,
        Number(row!.version) + 1,
        type,
        JSON.stringify(data),
        JSON.stringify(metadata),
      ];
      if ((await this.execute({ ...INSERT_ONE_UNLESS_TAKEN, values })).rowCount === 1) return retries;
    }
  }

  async readStream(streamId: string): Promise<number> {
    return (await this.run<RawRow>({ ...READ_STREAM, values: [streamId] })).length;
  }

  globalReader(): GlobalReader {
    let after = '0';
    return {
      nextPage: async (limit) => {
        const rows = await this.run<RawRow>({ ...READ_PAGE, values: [after, limit] });
        const last = rows.at(-1);
        if (last) after = last.position;
        return { count: rows.length, lastStreamId: last?.stream_id };
      },
    };
  }

  async analyze(): Promise<void> {
    await this.run({ text: 'VACUUM ANALYZE raw_events' });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async run<R extends QueryResultRow = QueryResultRow>(query: QueryConfig): Promise<R[]> {
    return (await this.execute<R>(query)).rows;
  }

  private async execute<R extends QueryResultRow = QueryResultRow>(query: QueryConfig): Promise<QueryResult<R>> {
    const client: PoolClient = await this.pool.connect();
    try {
      return await client.query<R>(query);
    } finally {
      client.release();
    }
  }
}
