import type { QueryRunner } from 'typeorm';
import { pgErrorOf } from '../errors/pg-error-fields';
import { quoteIdentifier } from '../database/quote-identifier';
import { correlationIndexSql, dropCorrelationIndexSql } from './store-schema-sql';

/**
 * What {@link reconcileCorrelationIndex} found or did: `building` when another session is
 * building the index (left alone), `busy` when `es_events`' lock did not come in time
 * (nothing done; the next start tries again). @internal
 */
export type CorrelationIndexOutcome = 'present' | 'absent' | 'built' | 'unwanted' | 'building' | 'busy';

/** Longest wait for `es_events`' lock: past it, a start goes on without the index rather than stall appends. */
const LOCK_TIMEOUT_MS = 5_000;

/**
 * Brings the optional correlation-id index in line with the module's `correlationIdIndex`,
 * after the migrations and under their lock:
 * - wanted and missing, or left INVALID by a build that failed (queries cannot use such
 *   an index): built. Not `CONCURRENTLY`: that waits for every transaction with an older
 *   snapshot, among them other instances waiting for the migrations' lock, which this one
 *   holds (a deadlock, seen in the takeover test). A plain build holds appends back while
 *   it runs, so on a large store an operator builds it beforehand, `CONCURRENTLY`; an
 *   index such a build is still making (INVALID until it ends) is left alone. The lock
 *   is waited for at most `lockTimeoutMs`, so that a queued build cannot stall
 *   every read and append behind it;
 * - not wanted but there: kept (dropping an index an operator may rely on is theirs to
 *   decide), and reported as `'unwanted'` so that the module can say what it costs.
 * @internal
 */
export async function reconcileCorrelationIndex(
  runner: QueryRunner,
  schema: string,
  wanted: boolean,
  lockTimeoutMs = LOCK_TIMEOUT_MS,
): Promise<CorrelationIndexOutcome> {
  const s = quoteIdentifier(schema);
  const rows = (await runner.query(
    `SELECT i.indisvalid AS valid,
            EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.relid = i.indrelid) AS building
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = 'es_events_correlation_idx'`,
    [schema],
  )) as { valid: boolean; building: boolean }[];
  const [found] = rows;
  if (!wanted) return found ? 'unwanted' : 'absent';
  if (found?.valid) return 'present';
  if (found?.building) return 'building';
  await runner.query(`SET lock_timeout = ${Math.round(lockTimeoutMs)}`);
  try {
    for (const sql of [...(found ? dropCorrelationIndexSql(s) : []), ...correlationIndexSql(s)]) {
      await runner.query(sql);
    }
    return 'built';
  } catch (error) {
    if (pgErrorOf(error)?.code === '55P03') return 'busy';
    throw error;
  } finally {
    await runner.query('RESET lock_timeout');
  }
}
