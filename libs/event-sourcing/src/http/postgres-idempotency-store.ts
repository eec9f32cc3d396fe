import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { quoteIdentifier } from '../database/quote-identifier';
import { containsPatterns } from '../store/personal-data/subject-erasers';
import { IdempotencyStore, type IdempotencyClaim, type StoredResponse } from './idempotency-store';

interface KeyRow {
  fingerprint: string;
  status: 'pending' | 'completed';
  response_status: number | null;
  response_headers: Record<string, string>;
  response_body: unknown;
}

/** Idempotency-Key records in the `es_idempotency_keys` table, one statement per step. @internal */
export class PostgresIdempotencyStore extends IdempotencyStore {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly pendingTimeoutMs: number,
    private readonly retentionMs: number,
  ) {
    super();
    this.table = `${quoteIdentifier(schema)}.es_idempotency_keys`;
  }

  async claim(key: string, fingerprint: string): Promise<IdempotencyClaim> {
    // A row released between our insert and our read is gone; claim again. Twice is
    // plenty: a release needs the failed request of another claimant in between.
    for (let attempt = 1; ; attempt++) {
      const claimId = randomUUID();
      // Inserts the key, or takes over a record that a crashed request left pending or
      // that outlived the retention; a live record makes the statement return no row.
      const claimed = await this.dataSource.query<unknown[]>(
        `INSERT INTO ${this.table} AS k (key, fingerprint, claim_id) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, claim_id = EXCLUDED.claim_id, status = 'pending',
               response_status = NULL, response_headers = '{}'::jsonb, response_body = NULL,
               created_at = now(), completed_at = NULL
           WHERE (k.status = 'pending' AND k.created_at < now() - $4 * interval '1 millisecond')
              OR k.created_at < now() - $5 * interval '1 millisecond'
         RETURNING 1`,
        [key, fingerprint, claimId, this.pendingTimeoutMs, this.retentionMs],
      );
      if (claimed.length > 0) return { outcome: 'claimed', claimId };
      const [row] = await this.dataSource.query<KeyRow[]>(
        `SELECT fingerprint, status, response_status, response_headers, response_body FROM ${this.table} WHERE key = $1`,
        [key],
      );
      if (!row) {
        if (attempt < 3) continue;
        return { outcome: 'pending', fingerprint };
      }
      if (row.status === 'pending' || row.response_status === null) {
        return { outcome: 'pending', fingerprint: row.fingerprint };
      }
      return {
        outcome: 'completed',
        fingerprint: row.fingerprint,
        response: { status: row.response_status, headers: row.response_headers, body: row.response_body },
      };
    }
  }

  async complete(key: string, claimId: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table}
         SET status = 'completed', response_status = $3, response_headers = $4::jsonb, response_body = $5::json,
             completed_at = now()
       WHERE key = $1 AND claim_id = $2`,
      [
        key,
        claimId,
        response.status,
        JSON.stringify(response.headers),
        response.body === null || response.body === undefined ? null : JSON.stringify(response.body),
      ],
    );
  }

  async release(key: string, claimId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${this.table} WHERE key = $1 AND claim_id = $2 AND status = 'pending'`, [
      key,
      claimId,
    ]);
  }

  async eraseContaining(texts: readonly string[], manager?: EntityManager): Promise<number> {
    if (texts.length === 0) return 0;
    // The body is json (its text as stored): a value shows in it JSON-escaped.
    const patterns = containsPatterns(texts);
    const rows = await (manager ?? this.dataSource.manager).query<unknown[]>(
      `WITH erased AS (DELETE FROM ${this.table}
         WHERE response_body::text LIKE ANY ($1::text[]) OR response_headers::text LIKE ANY ($1::text[]) RETURNING 1)
       SELECT count(*)::int AS erased FROM erased`,
      [patterns],
    );
    return (rows[0] as { erased: number }).erased;
  }

  async purgeExpired(): Promise<number> {
    const [row] = await this.dataSource.query<{ purged: number }[]>(
      `WITH purged AS (DELETE FROM ${this.table} WHERE created_at < now() - $1 * interval '1 millisecond' RETURNING 1)
       SELECT count(*)::int AS purged FROM purged`,
      [this.retentionMs],
    );
    return row?.purged ?? 0;
  }
}
