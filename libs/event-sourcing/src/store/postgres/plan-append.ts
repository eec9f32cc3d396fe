import type { WritePathSwitches } from '../../options/write-path-options';
import type { ExpectedVersion } from '../expected-version';

/** The append statements, by what they do (see `AppendStatements`). @internal */
export type AppendStatementName = 'first' | 'atEnd' | 'next' | 'nextKnown' | 'nextOne' | 'nextOneKnown';

/** What the process knows when an append is about to go out. @internal */
export interface AppendFacts {
  expectedVersion: ExpectedVersion;
  eventCount: number;
  /** The expected version is known to be stored (written or read committed by this process). */
  known: boolean;
  /** In a caller's transaction: its commit is not known here. */
  inTransaction: boolean;
  /** Some event carries a tag. */
  tagged?: boolean;
  /**
   * The append's condition: none; one whose items all name tags (advisory locks on
   * them do); or one with an item of types alone (or the empty query), which must lock
   * es_events against every writer.
   */
  condition?: 'none' | 'tags' | 'table';
  /** Some event carries personal data: the keyed statements, never shared with other appends. */
  personal?: boolean;
}

/**
 * How an append is guarded (`es_append_guard`): not at all (untagged, unconditional:
 * the plain statements); inside its statement (the tagged statements: advisory locks,
 * shared on its tags and exclusive on its condition's, then the condition checked); or
 * by a statement of its own before the insert, in a transaction, when the condition
 * takes the table lock: taken inside the insert, that lock would come after the
 * insert's own lock on es_events, and two such appends would deadlock. @internal
 */
export type AppendGuard = 'none' | 'inline' | 'before';

/** What to do with an append: the statement, its `$3`, and the mechanisms it goes through. @internal */
export interface AppendPlan {
  statement: AppendStatementName;
  /** The expected-version parameter: a version, or null for no check ('any'). */
  expected: number | null;
  /** Whether it may share a statement with other appends (group commit, under `appendsInFlight`). */
  joinable: boolean;
  /** Whether it queues behind the appends of its stream from this process. */
  lane: boolean;
  guard: AppendGuard;
  /** Whether the store must open a transaction for it (a guard before the insert, outside one). */
  transaction: boolean;
}

/**
 * The append path's one decision: from what an append expects and what the process
 * knows, the statement to run and the mechanisms it goes through. Pure, and tested
 * against a table of cases (`plan-append.spec.ts`).
 *
 * - expected 0 / 'no_stream': the first events of a stream (and its es_streams row);
 * - 'any' / 'stream_exists': after the highest stored version (1 is the least there);
 * - a number n: after version n, checking that n exists unless it is known to be stored.
 *
 * Only a single untagged, unconditional event after a number, outside a transaction,
 * may share a statement; every append outside a transaction takes its lane. Tagged and
 * conditional appends run the tagged statements, guarded (see {@link AppendGuard}).
 * @internal
 */
export function planAppend(facts: AppendFacts, switches: WritePathSwitches): AppendPlan {
  const condition = facts.condition ?? 'none';
  const guard: AppendGuard =
    condition === 'table' ? 'before' : condition === 'tags' || facts.tagged ? 'inline' : 'none';
  const plan = planStatement(facts, switches);
  if (facts.personal) plan.joinable = false;
  if (guard === 'none') return { ...plan, guard, transaction: false };
  // The same statements in their tagged form, never shared with other appends.
  return { ...plan, joinable: false, guard, transaction: guard === 'before' && !facts.inTransaction };
}

/** The statement of an unguarded append, and whether it joins others and takes its lane. */
function planStatement(facts: AppendFacts, switches: WritePathSwitches): Omit<AppendPlan, 'guard' | 'transaction'> {
  const { expectedVersion, eventCount, inTransaction } = facts;
  const lane = switches.streamLanes && !inTransaction;
  if (expectedVersion === 0 || expectedVersion === 'no_stream') {
    return { statement: 'first', expected: 0, joinable: false, lane };
  }
  if (typeof expectedVersion !== 'number') {
    return { statement: 'atEnd', expected: expectedVersion === 'any' ? null : 1, joinable: false, lane };
  }
  const known = switches.knownVersions && facts.known;
  if (eventCount > 1) {
    return { statement: known ? 'nextKnown' : 'next', expected: expectedVersion, joinable: false, lane };
  }
  return {
    statement: known ? 'nextOneKnown' : 'nextOne',
    expected: expectedVersion,
    joinable: !inTransaction,
    lane,
  };
}
