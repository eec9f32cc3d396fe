import type { DataSource, EntityManager } from 'typeorm';
import { SnapshotStore, type Snapshot } from '../snapshot-store';
import { quoteIdentifier } from '../../database/quote-identifier';

interface SnapshotRow {
  version: string;
  revision: number;
  state: Record<string, unknown>;
}

/**
 * Snapshots in the `es_snapshots` table: one row per stream, the newest. A snapshot
 * taken below a stored one's version never replaces it.
 */
export class PostgresSnapshotStore extends SnapshotStore {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema = 'public',
  ) {
    super();
    this.table = `${quoteIdentifier(schema)}.es_snapshots`;
  }

  override async load(streamId: string, maxVersion?: number): Promise<Snapshot | undefined> {
    const rows = await this.dataSource.query<SnapshotRow[]>(
      `SELECT version, revision, state FROM ${this.table} WHERE stream_id = $1 AND version <= $2`,
      [streamId, maxVersion ?? Number.MAX_SAFE_INTEGER],
    );
    const row = rows[0];
    return row && { streamId, version: Number(row.version), revision: row.revision, state: row.state };
  }

  override async save(snapshot: Snapshot): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.table} (stream_id, version, revision, state) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, revision = EXCLUDED.revision,
         state = EXCLUDED.state, created_at = now()
       WHERE ${this.table}.version <= EXCLUDED.version`,
      [snapshot.streamId, snapshot.version, snapshot.revision, JSON.stringify(snapshot.state)],
    );
  }

  override async drop(streamIds: readonly string[], manager?: EntityManager): Promise<void> {
    if (streamIds.length === 0) return;
    await (manager ?? this.dataSource.manager).query(`DELETE FROM ${this.table} WHERE stream_id = ANY ($1::text[])`, [
      streamIds,
    ]);
  }
}
