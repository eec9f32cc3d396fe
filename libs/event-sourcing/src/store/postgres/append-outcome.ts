import { ConcurrencyError } from '../../errors/concurrency-error';
import { DuplicateEventIdError } from '../../errors/duplicate-event-id-error';
import type { AppendResult } from '../event-store';
import { expectedVersionMatches, replayBaseMatches } from '../expected-version';
import type { PreparedAppend } from '../prepared-append';
import type { TextRow } from './text-rows';

// What an append that inserted nothing amounts to: an exact retry, a conflict, a duplicate
// event id, or a race lost to a concurrent append.

/** Thrown when a concurrent append took the same versions first; nothing was written. @internal */
export class AppendRaceError extends Error {
  constructor(readonly streamId: string) {
    super(`A concurrent append to "${streamId}" took the same versions; nothing was written.`);
  }
}

/** Where one event id of an append is stored, if anywhere, and the stream's version: an element of `es_append_conflict`'s answer. @internal */
export interface ReplayRow {
  stream_id: string | null;
  version: string | null;
  position: string | null;
  current_version: string;
}

/**
 * Tells an exact retry (nothing written, done) from a conflict, given where each event
 * id is stored (in the append's order) and the stream's version.
 * @throws ConcurrencyError when the version does not match.
 * @throws DuplicateEventIdError for an event id stored other than as an exact retry.
 * @throws AppendRaceError when the version matched when asked: a concurrent append got in
 *   between, and another try may succeed.
 * @internal
 */
export function settleAppend(prepared: PreparedAppend, found: ReplayRow[], cause?: unknown): AppendResult {
  const { streamId, expectedVersion, events } = prepared;
  const first = found[0];
  const base = first?.version == null ? undefined : Number(first.version) - 1;
  const inPlace =
    base !== undefined &&
    replayBaseMatches(expectedVersion, base) &&
    found.every((f, i) => f.stream_id === streamId && Number(f.version) === base + i + 1);
  if (inPlace) {
    const last = found.at(-1)!;
    return { streamVersion: Number(last.version), position: BigInt(last.position!), written: false };
  }
  // As in memory: a version that does not match is reported before a stored event id.
  const current = Number(found[0]!.current_version);
  if (!expectedVersionMatches(expectedVersion, current, current > 0))
    throw new ConcurrencyError(streamId, expectedVersion, current);
  const taken = found.findIndex((f) => f.stream_id !== null);
  if (taken >= 0) throw new DuplicateEventIdError(streamId, events[taken]!.eventId, { cause });
  // The version matched when asked, so a concurrent append got in between: try again.
  throw new AppendRaceError(streamId);
}

/**
 * `es_append_conflict_one`'s answer, read from `row` from column `from` on (its columns
 * in order: current_version, stored_stream_id, stored_version, stored_position), in the
 * shape of an element of `es_append_conflict`'s. @internal
 */
export function replayRowAt(row: TextRow, from: number): ReplayRow {
  return {
    current_version: row[from]!,
    stream_id: row[from + 1] ?? null,
    version: row[from + 2] ?? null,
    position: row[from + 3] ?? null,
  };
}
