import type { DataSource } from 'typeorm';
import { ConcurrencyError } from '../../errors/concurrency-error';
import { DuplicateEventIdError } from '../../errors/duplicate-event-id-error';
import type { EventEnvelope, NewEvent } from '../../events/event-envelope';
import { normalizeQuery, type EventQuery } from '../event-query';
import {
  EventStore,
  START_OF_STORE,
  type AppendOptions,
  type AppendResult,
  type EventStoreTransaction,
  type IterateStreamOptions,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamOptions,
} from '../event-store';
import { assertStreamId, prepareAppend, type PreparedAppend } from '../prepared-append';
import { resolveBatchSize, resolveLimit, resolveStreamRange } from '../read-options';
import { EVENT_COLUMNS, toEnvelope, type EventRow } from './event-row';
import { buildEventQuerySql } from './event-query-sql';
import { quoteIdentifier } from './quote-identifier';
import { isRetryableWriteError, pgErrorOf } from './postgres-errors';

/** Options of {@link PostgresEventStore}. */
export interface PostgresEventStoreOptions {
  /** Schema holding the store's tables. Default `public`. */
  schema?: string;
  /** Largest event (data + metadata as JSON), in bytes. Default 1 MiB. */
  maxEventSize?: number;
  /** Default page size of reads. Default 500. */
  batchSize?: number;
  /** Tries of an append that failed with a serialization failure or deadlock. Default 3. */
  writeAttempts?: number;
}

/** A `DataSource` (a pooled connection per call) or a `QueryRunner` (one connection, maybe in a transaction). */
interface Executor {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

async function run<T>(executor: Executor, sql: string, params: unknown[]): Promise<T> {
  return (await executor.query(sql, params)) as T;
}

interface AppendRow {
  status: 'ok' | 'replayed' | 'conflict';
  stream_version: string;
  last_position: string | null;
}

/**
 * The event store on PostgreSQL, through a TypeORM `DataSource`. Appends are one call of
 * the `es_append` function (version check and insert in one round trip); reads are
 * hand-written SQL. The schema comes from the store's migrations.
 */
export class PostgresEventStore extends EventStore {
  private readonly sql: Sql;
  private readonly maxEventSize: number;
  private readonly batchSize: number;
  private readonly writeAttempts: number;

  constructor(
    private readonly dataSource: DataSource,
    options: PostgresEventStoreOptions = {},
  ) {
    super();
    this.sql = buildSql(quoteIdentifier(options.schema ?? 'public'));
    this.maxEventSize = options.maxEventSize ?? 1024 * 1024;
    this.batchSize = options.batchSize ?? 500;
    this.writeAttempts = options.writeAttempts ?? 3;
  }

  override async append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const prepared = prepareAppend(streamId, events, options, this.maxEventSize);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendPrepared(this.dataSource, prepared);
      } catch (error) {
        // Only errors that prove the statement rolled back are retried; never an ambiguous commit.
        if (attempt >= this.writeAttempts || !isRetryableWriteError(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  override async transaction<T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const result = await work({
        append: (streamId, events, options) =>
          this.appendPrepared(runner, prepareAppend(streamId, events, options, this.maxEventSize)),
        readStream: (streamId, options) => this.readStreamWith(runner, streamId, options),
      });
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  override readStream(streamId: string, options?: ReadStreamOptions): Promise<EventEnvelope[]> {
    return this.readStreamWith(this.dataSource, streamId, options);
  }

  override async *iterateStream(streamId: string, options: IterateStreamOptions = {}): AsyncIterable<EventEnvelope> {
    assertStreamId(streamId);
    const range = resolveStreamRange(options);
    const batchSize = resolveBatchSize(options.batchSize, this.batchSize);
    let remaining = range.limit ?? Number.POSITIVE_INFINITY;
    let next = range.fromVersion;
    while (remaining > 0) {
      const page = await this.readStream(streamId, {
        fromVersion: next,
        toVersion: range.toVersion,
        direction: range.backwards ? 'backwards' : 'forwards',
        limit: Math.min(batchSize, remaining),
      });
      yield* page;
      remaining -= page.length;
      const last = page.at(-1);
      if (!last || page.length < batchSize) return;
      next = range.backwards ? last.version - 1 : last.version + 1;
      if (next < 1) return;
    }
  }

  override async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const after = options.after ?? START_OF_STORE;
    const limit = resolveLimit(options.limit, this.batchSize);
    const types = options.types?.length ? [...options.types] : undefined;
    const params: unknown[] = [after.transactionId.toString(), after.position.toString(), limit];
    if (types) params.push(types);
    const rows = await run<EventRow[]>(this.dataSource, types ? this.sql.readAllOfTypes : this.sql.readAll, params);
    const events = rows.map(toEnvelope);
    const last = events.at(-1);
    return { events, cursor: last ? { transactionId: last.transactionId, position: last.position } : after };
  }

  override async queryEvents(query?: EventQuery): Promise<EventEnvelope[]> {
    const { text, params } = buildEventQuerySql(this.sql.schema, normalizeQuery(query));
    const rows = await run<EventRow[]>(this.dataSource, text, params);
    return rows.map(toEnvelope);
  }

  override async streamVersion(streamId: string): Promise<number> {
    assertStreamId(streamId);
    const rows = await run<{ version: string }[]>(this.dataSource, this.sql.streamVersion, [streamId]);
    return rows[0] ? Number(rows[0].version) : 0;
  }

  private async appendPrepared(executor: Executor, prepared: PreparedAppend): Promise<AppendResult> {
    const { streamId, streamType, expectedVersion, events } = prepared;
    // The events go as one JSON array, built from the already serialised payloads.
    const batch = `[${events
      .map(
        (e) =>
          `{"id":"${e.eventId}","type":${JSON.stringify(e.type)},"revision":${e.revision},"data":${e.dataJson},"metadata":${e.metadataJson}}`,
      )
      .join(',')}]`;
    let rows: AppendRow[];
    try {
      rows = await run<AppendRow[]>(executor, this.sql.append, [streamId, streamType, String(expectedVersion), batch]);
    } catch (error) {
      const pgError = pgErrorOf(error);
      if (pgError?.code === 'ES002') {
        throw new DuplicateEventIdError(streamId, pgError.detail ?? events[0]!.eventId, { cause: error });
      }
      throw error;
    }
    const row = rows[0]!;
    if (row.status === 'conflict') throw new ConcurrencyError(streamId, expectedVersion, Number(row.stream_version));
    return {
      streamVersion: Number(row.stream_version),
      position: BigInt(row.last_position!),
      written: row.status === 'ok',
    };
  }

  private async readStreamWith(
    executor: Executor,
    streamId: string,
    options?: ReadStreamOptions,
  ): Promise<EventEnvelope[]> {
    assertStreamId(streamId);
    const { fromVersion, toVersion, backwards, limit } = resolveStreamRange(options);
    const [lower, upper] = backwards ? [toVersion, fromVersion] : [fromVersion, toVersion];
    const rows = await run<EventRow[]>(executor, backwards ? this.sql.readStreamBackwards : this.sql.readStream, [
      streamId,
      lower ?? 0,
      upper ?? Number.MAX_SAFE_INTEGER,
      limit ?? null,
    ]);
    return rows.map(toEnvelope);
  }
}

interface Sql {
  schema: string;
  append: string;
  readStream: string;
  readStreamBackwards: string;
  readAll: string;
  readAllOfTypes: string;
  streamVersion: string;
}

function buildSql(s: string): Sql {
  const streamRange = `SELECT ${EVENT_COLUMNS} FROM ${s}.es_events
    WHERE stream_id = $1 AND version BETWEEN $2 AND $3`;
  // Only transactions older than every open one are final: read strictly below that horizon.
  const readAll = (typeFilter: string): string => `SELECT ${EVENT_COLUMNS} FROM ${s}.es_events
    WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())${typeFilter}
    ORDER BY transaction_id, position LIMIT $3`;
  return {
    schema: s,
    append: `SELECT status, stream_version, last_position FROM ${s}.es_append($1, $2, $3, $4::jsonb)`,
    readStream: `${streamRange} ORDER BY version LIMIT $4`,
    readStreamBackwards: `${streamRange} ORDER BY version DESC LIMIT $4`,
    readAll: readAll(''),
    readAllOfTypes: readAll(' AND type = ANY($4::text[])'),
    streamVersion: `SELECT version FROM ${s}.es_streams WHERE stream_id = $1`,
  };
}
