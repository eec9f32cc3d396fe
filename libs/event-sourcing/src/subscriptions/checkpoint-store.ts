import type { DataSource, QueryRunner } from 'typeorm';
import { CheckpointConflictError } from '../errors/checkpoint-conflict-error';
import type { EventEnvelope } from '../events/event-envelope';
import {
  checkpointOf,
  parkedOf,
  type Checkpoint,
  type CheckpointMove,
  type CheckpointRow,
  type CheckpointStatus,
  type ParkedEvent,
  type ParkedRow,
} from './checkpoint';
import type { GlobalCursor } from '../store/event-store';
import { streamPartitionSql, type StreamPartition } from '../store/stream-partition';
import { queryRows } from '../database/query-rows';
import { quoteIdentifier } from '../database/quote-identifier';

export type { Checkpoint, CheckpointMove, CheckpointStatus, ParkedEvent } from './checkpoint';

/**
 * The SQL of checkpoints and parked events. A statement given a `QueryRunner` runs in
 * its transaction (the batch's); otherwise on a pooled connection. @internal
 */
export class CheckpointStore {
  private readonly checkpoints: string;
  private readonly parkedTable: string;
  private readonly events: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    const s = quoteIdentifier(schema);
    this.checkpoints = `${s}.es_checkpoints`;
    this.parkedTable = `${s}.es_parked_events`;
    this.events = `${s}.es_events`;
  }

  /** Creates the row of a new subscriber, at the start of the store. */
  async ensure(name: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.checkpoints} (subscriber) VALUES ($1) ON CONFLICT (subscriber) DO NOTHING`,
      [name],
    );
  }

  async load(name: string, runner?: QueryRunner, forUpdate = false): Promise<Checkpoint> {
    const rows = await this.run<CheckpointRow>(
      runner,
      `SELECT transaction_id, position, last_position, status, error, rebuild_started_at, rebuild_done, updated_at
         FROM ${this.checkpoints} WHERE subscriber = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [name],
    );
    const row = rows[0];
    if (!row) {
      await this.ensure(name);
      return this.load(name, runner, forUpdate);
    }
    return checkpointOf(row);
  }

  /**
   * Locks the checkpoint row in the caller's transaction, if it is still where the caller
   * read it.
   * @throws CheckpointConflictError when it moved (another instance, a rebuild) or was paused or parked.
   */
  async lockAt(name: string, at: GlobalCursor, runner: QueryRunner): Promise<void> {
    const rows = await this.run(
      runner,
      `SELECT subscriber FROM ${this.checkpoints}
        WHERE subscriber = $1 AND transaction_id = $2::text::xid8 AND position = $3 AND status IN ('active', 'rebuilding')
        FOR UPDATE`,
      [name, at.transactionId.toString(), at.position.toString()],
    );
    if (rows.length !== 1) throw new CheckpointConflictError(name);
  }

  /**
   * Moves the cursor from where the caller read it. Fencing: when it is no longer
   * there (another instance or a rebuild moved it), nothing is updated and the caller's
   * transaction must roll back.
   * @throws CheckpointConflictError when the row is not at `move.from`.
   */
  async move(name: string, move: CheckpointMove, runner?: QueryRunner): Promise<void> {
    const rows = await this.run<{ subscriber: string }>(
      runner,
      `UPDATE ${this.checkpoints}
          SET transaction_id = $4::text::xid8, position = $5, last_position = greatest(last_position, $6),
              rebuild_done = rebuild_done + CASE WHEN status = 'rebuilding' THEN $7::bigint ELSE 0 END,
              -- A pause set meanwhile stays: only resume() lifts it.
              status = CASE WHEN status = 'paused' THEN status ELSE coalesce($8, status) END,
              error = CASE WHEN $9 THEN $10 ELSE error END, updated_at = now()
        WHERE subscriber = $1 AND transaction_id = $2::text::xid8 AND position = $3
        RETURNING subscriber`,
      [
        name,
        move.from.transactionId.toString(),
        move.from.position.toString(),
        move.to.transactionId.toString(),
        move.to.position.toString(),
        (move.lastPosition ?? 0n).toString(),
        move.handled ?? 0,
        move.status ?? null,
        move.error !== undefined,
        move.error ?? null,
      ],
    );
    if (rows.length !== 1) throw new CheckpointConflictError(name);
  }

  /** Sets a status (and error) whatever the cursor, e.g. pausing. */
  async setStatus(name: string, status: CheckpointStatus, error: string | null, runner?: QueryRunner): Promise<void> {
    await this.ensure(name);
    await this.run(
      runner,
      `UPDATE ${this.checkpoints} SET status = $2, error = $3, updated_at = now() WHERE subscriber = $1`,
      [name, status, error],
    );
  }

  /** Rewinds to the start of the store for a rebuild; in the rebuild's transaction. */
  async rewind(name: string, runner: QueryRunner): Promise<void> {
    await this.run(
      runner,
      `UPDATE ${this.checkpoints}
          SET transaction_id = '0', position = 0, last_position = 0, status = 'rebuilding', error = NULL,
              rebuild_started_at = now(), rebuild_done = 0, updated_at = now()
        WHERE subscriber = $1`,
      [name],
    );
    await this.run(runner, `DELETE FROM ${this.parkedTable} WHERE subscriber = $1`, [name]);
  }

  /**
   * The oldest transaction still open on the server (`pg_snapshot_xmin`): every event of
   * an older transaction is final, so a reader that has seen them all may move to it.
   * `hidden` tells whether committed events wait behind it.
   *
   * Runs before every page. The first event at or above the horizon is found by walking
   * the global index from it: asked as EXISTS, the planner may pick a sequential scan
   * (it expects matching rows spread over the table, where they are all at its end),
   * which read all of es_events each time (300 ms at 1,000,000 events without statistics).
   */
  async horizon(): Promise<{ xmin: bigint; hidden: boolean }> {
    const rows = await this.run<{ xmin: string; hidden: boolean }>(
      undefined,
      `SELECT h.horizon::text AS xmin,
              (SELECT e.transaction_id FROM ${this.events} e
                WHERE e.transaction_id >= h.horizon ORDER BY e.transaction_id LIMIT 1) IS NOT NULL AS hidden
         FROM pg_snapshot_xmin(pg_current_snapshot()) AS h(horizon)`,
      [],
    );
    return { xmin: BigInt(rows[0]!.xmin), hidden: rows[0]!.hidden };
  }

  /** Records a parked event; in the caller's transaction. */
  async park(name: string, event: EventEnvelope, error: string, attempts: number, runner: QueryRunner): Promise<void> {
    await this.run(
      runner,
      `INSERT INTO ${this.parkedTable}
         (subscriber, event_id, transaction_id, position, stream_id, version, type, error, attempts)
       VALUES ($1, $2, $3::text::xid8, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (subscriber, event_id) DO UPDATE
         SET error = excluded.error, attempts = ${this.parkedTable}.attempts + excluded.attempts, parked_at = now()`,
      [
        name,
        event.eventId,
        event.transactionId.toString(),
        event.position.toString(),
        event.streamId,
        event.version,
        event.type,
        error,
        attempts,
      ],
    );
  }

  /** Parked events, oldest first; of one subscriber or all. */
  async parked(name?: string): Promise<ParkedEvent[]> {
    const rows = await this.run<ParkedRow>(
      undefined,
      `SELECT * FROM ${this.parkedTable} WHERE $1::text IS NULL OR subscriber = $1 ORDER BY parked_at, position`,
      [name ?? null],
    );
    return rows.map(parkedOf);
  }

  /** Removes a parked event (locking it first); false when it is not there. */
  async unpark(name: string, eventId: string, runner: QueryRunner): Promise<boolean> {
    const rows = await this.run<{ event_id: string }>(
      runner,
      `DELETE FROM ${this.parkedTable} WHERE subscriber = $1 AND event_id = $2::uuid RETURNING event_id`,
      [name, eventId],
    );
    return rows.length === 1;
  }

  /**
   * Counts events of these types (every type for none) after a cursor, stopping at `cap`. Ordered so that the
   * count walks the global index from the cursor: unordered, the planner may scan the
   * table from its start, where no event after a cursor deep in the log is.
   */
  async countAfter(
    cursor: GlobalCursor,
    types: readonly string[],
    cap: number,
    partition?: StreamPartition,
  ): Promise<number> {
    const rows = await this.run<{ n: string }>(
      undefined,
      `SELECT count(*) AS n FROM (
         SELECT 1 FROM ${this.events}
          WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint) AND (cardinality($3::text[]) = 0 OR type = ANY($3::text[]))
            AND ($5::bigint IS NULL OR ${streamPartitionSql('stream_id', '$5::bigint')} = $6)
          ORDER BY transaction_id, position LIMIT $4) AS later`,
      [
        cursor.transactionId.toString(),
        cursor.position.toString(),
        [...types],
        cap,
        partition?.count ?? null,
        partition?.index ?? null,
      ],
    );
    return Number(rows[0]!.n);
  }

  /** The transaction id of the event at a global position, if it exists. */
  async transactionOf(position: bigint): Promise<bigint | undefined> {
    const rows = await this.run<{ xid: string }>(
      undefined,
      `SELECT transaction_id::text AS xid FROM ${this.events} WHERE position = $1`,
      [position.toString()],
    );
    return rows[0] ? BigInt(rows[0].xid) : undefined;
  }

  private run<T = unknown>(runner: QueryRunner | undefined, sql: string, params: unknown[]): Promise<T[]> {
    return queryRows<T>(this.dataSource, runner, sql, params);
  }
}
