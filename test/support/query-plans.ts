import { Client, escapeLiteral } from 'pg';

/** A statement as a `pg` client sent it: its text, its values, its name when prepared. */
export interface SentStatement {
  text: string;
  values: unknown[];
  name?: string;
}

/** One node of an `EXPLAIN (FORMAT JSON)` plan, as far as the checks read it. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** A plan with what the checks and the record take from it. */
export interface ExplainedPlan {
  root: PlanNode;
  executionMs: number;
  /** Scans of tables and indexes, outermost first: `Index Only Scan es_events_global_idx`. */
  scans: string[];
}

/**
 * Runs `work` and returns every statement it sent through `pg`'s client (TypeORM's
 * query runners, the store's own connections, any other client), in order, with the
 * values it bound. The statements run for real; this only listens.
 */
export async function captureStatements(work: () => Promise<unknown>): Promise<SentStatement[]> {
  const sent: SentStatement[] = [];
  const prototype = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  prototype.query = function (this: Client, ...args: unknown[]) {
    const [first, second] = args;
    if (typeof first === 'string') {
      sent.push({ text: first, values: Array.isArray(second) ? second : [] });
    } else if (first && typeof first === 'object' && typeof (first as { text?: unknown }).text === 'string') {
      const { text, values, name } = first as { text: string; values?: unknown[]; name?: string };
      sent.push({ text, values: values ?? (Array.isArray(second) ? second : []), ...(name ? { name } : {}) });
    }
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    prototype.query = original;
  }
  return sent;
}

/**
 * The plan PostgreSQL runs `statement` with, executed (`EXPLAIN ANALYZE`) in a
 * transaction that is rolled back, so writes leave nothing. `generic`: the plan a
 * prepared statement falls back to once PostgreSQL stops planning it per call (one
 * that does not know the values), through PREPARE and `plan_cache_mode`.
 */
export async function explain(client: Client, statement: SentStatement, generic = false): Promise<ExplainedPlan> {
  await client.query('BEGIN');
  try {
    let rows: { 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }[];
    if (generic) {
      await client.query(`PREPARE es_plan_probe AS ${statement.text}`);
      await client.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      const args = statement.values.map(literal).join(', ');
      ({ rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE es_plan_probe(${args})`));
    } else {
      ({ rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, statement.values));
    }
    const [{ Plan: root, 'Execution Time': executionMs }] = rows[0]!['QUERY PLAN'];
    return { root, executionMs, scans: scansOf(root) };
  } finally {
    await client.query('ROLLBACK');
    if (generic) await client.query('DEALLOCATE es_plan_probe').catch(() => undefined);
  }
}

/** Every node of a plan, depth first. */
export function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

/** The sequential scans of `table` anywhere in the plan. */
export function seqScansOf(plan: ExplainedPlan, table: string): PlanNode[] {
  return planNodes(plan.root).filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table);
}

function scansOf(root: PlanNode): string[] {
  return planNodes(root)
    .filter((n) => n['Relation Name'] !== undefined || n['Index Name'] !== undefined)
    .map((n) => `${n['Node Type']} ${n['Index Name'] ?? n['Relation Name']}`);
}

/** A value as an SQL literal, for EXECUTE (which takes no bound parameters). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) {
    return escapeLiteral(`{${value.map((v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return escapeLiteral(String(value));
  }
  throw new TypeError(`No SQL literal for a ${typeof value}.`);
}
