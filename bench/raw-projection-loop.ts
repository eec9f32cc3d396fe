import { Client } from 'pg';

/** The loop's own copy of the read model, and its checkpoint, beside the projection's. */
const CREATE_TABLES = [
  'CREATE TABLE IF NOT EXISTS raw_balances (LIKE bench_balances INCLUDING ALL)',
  `CREATE TABLE IF NOT EXISTS raw_checkpoints (
     name           text   PRIMARY KEY,
     transaction_id xid8   NOT NULL,
     position       bigint NOT NULL
   )`,
];

// Named statements: parsed once per connection, planned at each run (see `open`). The page
// is the store's gap-safe read: the same columns, order, horizon and type filter as
// `EventStore.readAll`.
const READ_PAGE = {
  name: 'raw-projection-page',
  text: `SELECT position, transaction_id, event_id, stream_id, version, type, revision, data, metadata, created_at
      FROM es_events
     WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
       AND transaction_id < pg_snapshot_xmin(pg_current_snapshot()) AND type = ANY($3::text[])
     ORDER BY transaction_id, position LIMIT $4`,
};
const INSERT_BALANCE = {
  name: 'raw-projection-open',
  text: 'INSERT INTO raw_balances (account, owner, balance, version) VALUES ($1, $2, 0, $3)',
};
const ADD_DEPOSIT = {
  name: 'raw-projection-deposit',
  text: 'UPDATE raw_balances SET balance = balance + $2, version = $3 WHERE account = $1',
};
const MOVE_CHECKPOINT = {
  name: 'raw-projection-checkpoint',
  text: `UPDATE raw_checkpoints SET transaction_id = $4::text::xid8, position = $5
     WHERE name = $1 AND transaction_id = $2::text::xid8 AND position = $3`,
};

const CHECKPOINT_NAME = 'raw-balances';

interface PageRow {
  position: string;
  transaction_id: string;
  stream_id: string;
  version: string;
  type: string;
  data: { owner?: string; amount?: number };
}

/** The event types the loop applies, as stored. */
export interface RawLoopTypes {
  opened: string;
  deposited: string;
}

/**
 * The baseline of the catch-up: what a careful hand-written `pg` loop does in place of the
 * projection. It reads a page of events after its checkpoint, then in one transaction
 * applies each event with one statement (the projection's SQL, without TypeORM) and moves
 * its checkpoint by compare-and-set; until a page comes back short. One connection,
 * named statements planned at each run, the cursor kept in memory between pages.
 */
export class RawProjectionLoop {
  private constructor(
    private readonly client: Client,
    private readonly types: RawLoopTypes,
  ) {}

  /** Connects and creates the loop's tables (the projection's table must exist). */
  static async open(url: string, types: RawLoopTypes): Promise<RawProjectionLoop> {
    const client = new Client({ connectionString: url, application_name: 'bench-raw-projection' });
    client.on('error', (error) => console.error(`raw projection loop: connection failed: ${error.message}`));
    await client.connect();
    try {
      // A named statement's plan is cached once it looks no worse than a fresh one. Its
      // first runs meet the emptied read model (0 pages after VACUUM), so the cached plan
      // would be a sequential scan, kept while the table grows to 1,000 rows and its dead
      // versions: twice as slow here. Planned each time, the statements use the primary
      // key as soon as the table has rows (TypeORM's unnamed statements are, too).
      await client.query('SET plan_cache_mode = force_custom_plan');
      for (const sql of CREATE_TABLES) await client.query(sql);
      await client.query(
        `INSERT INTO raw_checkpoints (name, transaction_id, position) VALUES ($1, '0', 0) ON CONFLICT DO NOTHING`,
        [CHECKPOINT_NAME],
      );
    } catch (error) {
      await client.end();
      throw error;
    }
    return new RawProjectionLoop(client, types);
  }

  /** Empties the read model and moves the checkpoint back to the start (untimed). */
  async reset(): Promise<void> {
    await this.client.query('DELETE FROM raw_balances');
    await this.client.query(`UPDATE raw_checkpoints SET transaction_id = '0', position = 0 WHERE name = $1`, [
      CHECKPOINT_NAME,
    ]);
  }

  /** Applies every event after the checkpoint, page by page; returns how many. */
  async catchUp(batchSize: number): Promise<number> {
    const [start] = (
      await this.client.query<{ transaction_id: string; position: string }>(
        'SELECT transaction_id::text, position FROM raw_checkpoints WHERE name = $1',
        [CHECKPOINT_NAME],
      )
    ).rows;
    if (!start) throw new Error(`raw_checkpoints has no row ${CHECKPOINT_NAME}.`);
    let cursor = { transactionId: start.transaction_id, position: start.position };
    const types = [this.types.opened, this.types.deposited];
    let applied = 0;
    for (;;) {
      const { rows } = await this.client.query<PageRow>({
        ...READ_PAGE,
        values: [cursor.transactionId, cursor.position, types, batchSize],
      });
      const last = rows.at(-1);
      if (!last) return applied;
      const next = { transactionId: last.transaction_id, position: last.position };
      await this.applyPage(rows, cursor, next);
      cursor = next;
      applied += rows.length;
      if (rows.length < batchSize) return applied;
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  private async applyPage(
    rows: readonly PageRow[],
    from: { transactionId: string; position: string },
    to: { transactionId: string; position: string },
  ): Promise<void> {
    await this.client.query('BEGIN');
    try {
      for (const row of rows) {
        if (row.type === this.types.opened) {
          await this.client.query({ ...INSERT_BALANCE, values: [row.stream_id, row.data.owner, row.version] });
        } else {
          await this.client.query({ ...ADD_DEPOSIT, values: [row.stream_id, row.data.amount, row.version] });
        }
      }
      const moved = await this.client.query({
        ...MOVE_CHECKPOINT,
        values: [CHECKPOINT_NAME, from.transactionId, from.position, to.transactionId, to.position],
      });
      if (moved.rowCount !== 1) throw new Error(`raw checkpoint ${CHECKPOINT_NAME} moved under the loop.`);
      await this.client.query('COMMIT');
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
