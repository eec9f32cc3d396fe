import type { PoolClient } from 'pg';
import type { EventEnvelope } from '../../events/event-envelope';
import { normalizeDecisionQuery, type DecisionQuery, type ReadMatchingResult } from '../decision-query';
import { toEnvelope, type EventRow } from './event-row';
import { buildMatchingSql } from './matching-sql';

/** A row of `buildMatchingSql`'s statement: an event (all null when none matched) and the read point. */
type MatchingRow = { [K in keyof EventRow]: EventRow[K] | null } & { snapshot: string; head: string };

/**
 * `readMatching` on `client`: one statement, so the events and the read point come from
 * one snapshot. Through `pg`'s row objects: the point's columns come with every row,
 * and with a row of nulls when nothing matched. `s` is the quoted schema.
 * @throws InvalidQueryError for a bad query.
 * @internal
 */
export async function readMatchingOn(
  client: PoolClient,
  s: string,
  query: DecisionQuery,
  /** Decrypts the events' personal data. */
  open: (events: EventEnvelope[]) => Promise<EventEnvelope[]>,
): Promise<ReadMatchingResult> {
  const { statement, params } = buildMatchingSql(s, normalizeDecisionQuery(query));
  const { rows } = await client.query<MatchingRow>({ ...statement, values: params });
  const point = rows[0]!;
  return {
    events: await open(rows.filter((row) => row.position !== null).map((row) => toEnvelope(row as EventRow))),
    after: { position: BigInt(point.head), snapshot: point.snapshot },
  };
}
