import type { QueryRunner } from 'typeorm';
import { quoteIdentifier } from './quote-identifier';

/** What {@link reconcileCorrelationIndex} found or did. @internal */
export type CorrelationIndexOutcome = 'present' | 'absent' | 'built' | 'unwanted';

/**
 * Brings the optional correlation-id index in line with the module's `correlationIdIndex`,
 * after the migrations and under their lock:
 * - wanted and missing, or left INVALID by a build that failed (queries cannot use such
 *   an index): built. Not `CONCURRENTLY`: that waits for every transaction with an older
 *   snapshot, among them other instances waiting for the migrations' lock, which this one
 *   holds (a deadlock, seen in the takeover test). A plain build holds appends back while
 *   it runs, so on a large store an operator builds it beforehand, `CONCURRENTLY`;
 * - not wanted but there: kept (dropping an index an operator may rely on is theirs to
 *   decide), and reported as `'unwanted'` so that the module can say what it costs.
 * @internal
 */
export async function reconcileCorrelationIndex(
  runner: QueryRunner,
  schema: string,
  wanted: boolean,
): Promise<CorrelationIndexOutcome> {
  const s = quoteIdentifier(schema);
  const rows = (await runner.query(
    `SELECT i.indisvalid AS valid FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = 'es_events_correlation_idx'`,
    [schema],
  )) as { valid: boolean }[];
  const valid = rows[0]?.valid === true;
  if (!wanted) return rows.length > 0 ? 'unwanted' : 'absent';
  if (valid) return 'present';
  if (rows.length > 0) await runner.query(`DROP INDEX IF EXISTS ${s}.es_events_correlation_idx`);
  await runner.query(
    `CREATE INDEX IF NOT EXISTS es_events_correlation_idx ON ${s}.es_events ((metadata->>'correlationId'))`,
  );
  return 'built';
}
