import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope';
import type { GlobalCursor } from '../store/event-store';
import { EVENT_COLUMNS, toEnvelope, type EventRow } from '../store/postgres/event-row';
import { quoteIdentifier } from '../database/quote-identifier';
import { subscriberLockKey } from './subscription-connection';
import type { HoldingTransaction } from './subscriber-status';

/** Who holds a subscriber's lock. @internal */
export interface LockHolder {
  pid: number;
  applicationName: string | null;
  /** The heartbeating instance whose subscription connection it is. */
  instanceId?: string;
}

/**
 * The read-only SQL behind `Subscriptions.status`: the head, lock holders, parked
 * counts, and the transaction that holds readers back. @internal
 */
export class SubscriptionInspector {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {
    this.s = quoteIdentifier(schema);
  }

  async head(): Promise<bigint> {
    const rows = await this.query<{ head: string }>(
      `SELECT coalesce(max(position), 0) AS head FROM ${this.s}.es_events`,
      [],
    );
    return BigInt(rows[0]!.head);
  }

  /** The cursor of the store's last event in the global (transaction id, position) order. */
  async lastCursor(): Promise<GlobalCursor | undefined> {
    const rows = await this.query<{ xid: string; position: string }>(
      `SELECT transaction_id::text AS xid, position FROM ${this.s}.es_events ORDER BY transaction_id DESC, position DESC LIMIT 1`,
      [],
    );
    return rows[0] ? { transactionId: BigInt(rows[0].xid), position: BigInt(rows[0].position) } : undefined;
  }

  /** The process holding each subscriber's lock, by subscriber name. */
  async lockHolders(names: readonly string[]): Promise<Map<string, LockHolder>> {
    const keys = names.map((name) => ({ name, ...subscriberLockKey(this.schema, name) }));
    const rows = await this.query<{
      classid: string;
      objid: string;
      pid: number;
      application_name: string | null;
      instance_id: string | null;
    }>(
      `SELECT l.classid::text AS classid, l.objid::text AS objid, l.pid, a.application_name, i.instance_id
         FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
         LEFT JOIN ${this.s}.es_instances i ON i.backend_pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [],
    );
    const holders = new Map<string, LockHolder>();
    for (const row of rows) {
      const key = keys.find((k) => String(k.classid) === row.classid && String(k.objid) === row.objid);
      if (!key) continue;
      const holder: LockHolder = { pid: row.pid, applicationName: row.application_name };
      if (row.instance_id) holder.instanceId = row.instance_id;
      holders.set(key.name, holder);
    }
    return holders;
  }

  async parkedCounts(): Promise<Map<string, number>> {
    const rows = await this.query<{ subscriber: string; n: string }>(
      `SELECT subscriber, count(*) AS n FROM ${this.s}.es_parked_events GROUP BY subscriber`,
      [],
    );
    return new Map(rows.map((row) => [row.subscriber, Number(row.n)]));
  }

  /**
   * The oldest open transaction when it hides committed events of these types after the
   * cursor (events a reader may not take yet), and it has been open at least `minAgeMs`.
   */
  async holdingTransaction(
    cursor: GlobalCursor,
    types: readonly string[],
    minAgeMs: number,
  ): Promise<HoldingTransaction | undefined> {
    const rows = await this.query<{
      xmin: string;
      pid: number | null;
      datname: string | null;
      application_name: string | null;
      xact_start: Date | null;
    }>(
      // The first hidden event is looked up in (transaction id, position) order, so the
      // planner walks the global index from the cursor, as in CheckpointStore.horizon.
      `SELECT h.horizon::text AS xmin, a.pid, a.datname, a.application_name, a.xact_start
         FROM pg_snapshot_xmin(pg_current_snapshot()) AS h(horizon)
         LEFT JOIN pg_stat_activity a ON a.backend_xid::text = (h.horizon::text::numeric % 4294967296)::text
        WHERE (SELECT e.position FROM ${this.s}.es_events e
                WHERE e.transaction_id >= h.horizon AND (e.transaction_id, e.position) > ($1::text::xid8, $2::bigint)
                  AND (cardinality($3::text[]) = 0 OR e.type = ANY($3::text[]))
                ORDER BY e.transaction_id, e.position LIMIT 1) IS NOT NULL
        LIMIT 1`,
      [cursor.transactionId.toString(), cursor.position.toString(), [...types]],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.xact_start && Date.now() - row.xact_start.getTime() < minAgeMs) return undefined;
    return {
      transactionId: BigInt(row.xmin),
      pid: row.pid,
      database: row.datname,
      applicationName: row.application_name,
      since: row.xact_start,
    };
  }

  /** A stored event by id. */
  async event(eventId: string): Promise<EventEnvelope | undefined> {
    const rows = await this.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM ${this.s}.es_events WHERE event_id = $1`, [
      eventId,
    ]);
    return rows[0] ? toEnvelope(rows[0]) : undefined;
  }

  private query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.dataSource.query<T[]>(sql, params);
  }
}
