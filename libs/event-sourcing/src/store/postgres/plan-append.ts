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
}

/** What to do with an append: the statement, its `$3`, and the mechanisms it goes through. @internal */
export interface AppendPlan {
  statement: AppendStatementName;
  /** The expected-version parameter: a version, or null for no check ('any'). */
  expected: number | null;
  /** Whether it may share a statement with other appends (group commit, under `appendsInFlight`). */
  joinable: boolean;
  /** Whether it queues behind the appends of its stream from this process. */
  lane: boolean;
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
 * Only a single event after a number, outside a transaction, may share a statement;
 * every append outside a transaction takes its lane.
 * @internal
 */
export function planAppend(facts: AppendFacts, switches: WritePathSwitches): AppendPlan {
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
