import type { PoolClient } from 'pg';
import type { AppendResult } from '../event-store';
import type { PreparedAppend, PreparedEvent } from '../prepared-append';
import type { PreparedCondition } from '../decision-query';
import { replayRowAt, settleAppend, type ReplayRow } from './append-outcome';
import { buildAppendStatements, DOCUMENT_LIMIT, type TwoForms } from './append-statements';
import { eventValues, formFor, formForMany, manyValues } from './append-values';
import { DEFAULT_WRITE_PATH, type WritePathSwitches } from '../../options/write-path-options';
import { planAppend, type AppendPlan } from './plan-append';
import { WriteCaches } from './write-caches';
import type { Statement } from './statement';
import { pgErrorOf } from '../../errors/pg-error-fields';
import { textRows, type TextRow } from './text-rows';
import { StreamTombstonedError } from '../../errors/stream-tombstoned-error';
import { conditionErrorOf, conditionKind, guardStatement, guardValues, runGuard } from './append-guard';
import { denialOf } from './required-permissions';
import { missingStatement, requirementsJson } from './permitted-sql';

/**
 * What an append statement answers, by column: how many events it inserted, the last
 * one's position and version, and (the required statements) whether it was permitted.
 */
const enum Inserted {
  Count,
  Position,
  Version,
  Permitted,
}

/** What `nextOfMany` answers for each event it inserted, by column. */
const enum InsertedOfMany {
  StreamId,
  EventId,
  Position,
  Version,
}

/**
 * An append is one statement (named, so prepared once per connection), and the unique
 * (stream_id, version) key does the concurrency control, as in the plainest SQL; which
 * statement runs is `planAppend`'s decision:
 *
 * - expected version n > 0: insert versions n+1… if version n exists. A stream that is
 *   ahead fails on the unique key; one that is behind inserts nothing. When version n is
 *   known to be stored (`WriteCaches.known`), the check is left out.
 * - expected 0 / 'no_stream': insert versions 1…, and the stream's es_streams row.
 * - 'any' / 'stream_exists': insert after the highest stored version.
 *
 * Nothing takes a lock, and a losing append writes nothing. Only when nothing was
 * inserted is a retry of an earlier append (same ids at the same versions: done, nothing
 * written) told from a conflict, by a second query. @internal
 */
export class PostgresAppend {
  private readonly sql: ReturnType<typeof buildAppendStatements>;
  /** The same statements for appends with personal data, gated by `es_claim_subject_keys`. */
  private readonly keyed: ReturnType<typeof buildAppendStatements>;
  /** Both again for appends that need permissions, gated by the `permitted` check. */
  private readonly required: ReturnType<typeof buildAppendStatements>;
  private readonly keyedRequired: ReturnType<typeof buildAppendStatements>;
  private readonly guard: Statement;
  private readonly missing: Statement;

  /**
   * @param s the quoted schema.
   * @param caches what the write path knows of streams: versions known stored, the lanes.
   * @param switches which of the write path's mechanisms are on.
   * @param documentLimit characters of JSON up to which events go as one document
   *   (see `EventsForm`); tests lower it to run the arrays form.
   */
  constructor(
    s: string,
    private readonly caches: WriteCaches = new WriteCaches(),
    private readonly switches: WritePathSwitches = DEFAULT_WRITE_PATH,
    private readonly documentLimit = DOCUMENT_LIMIT,
  ) {
    this.sql = buildAppendStatements(s);
    this.keyed = buildAppendStatements(s, true);
    this.required = buildAppendStatements(s, false, true);
    this.keyedRequired = buildAppendStatements(s, true, true);
    this.guard = guardStatement(s);
    this.missing = missingStatement(s);
  }

  /**
   * Runs the append on `client`.
   * @throws ConcurrencyError when the expected version does not match (and it is no replay).
   * @throws DuplicateEventIdError for an event id stored other than as an exact retry.
   * @throws AppendRaceError when a concurrent append got in between the check and the insert
   *   (nothing written; worth another try).
   * @throws PermissionDeniedError when a permission it requires is not held (nothing written).
   */
  async run(client: PoolClient, prepared: PreparedAppend, inTransaction: boolean): Promise<AppendResult> {
    if (!inTransaction) {
      const result = await this.attempt(client, prepared, false);
      this.caches.known.learn(prepared.streamId, result.streamVersion);
      return result;
    }
    // In a caller's transaction a failed statement would abort it: a savepoint keeps it usable.
    await client.query('SAVEPOINT es_append');
    try {
      const result = await this.attempt(client, prepared, true, () => client.query('ROLLBACK TO SAVEPOINT es_append'));
      await client.query('RELEASE SAVEPOINT es_append');
      return result;
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT es_append').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Runs `es_append_guard` alone on `client`, in a transaction: the locks of the
   * condition and of every event of `appends`, then the condition's check.
   * @throws AppendConditionError when the condition fails.
   */
  async guardAll(
    client: PoolClient,
    condition: PreparedCondition | undefined,
    appends: readonly PreparedAppend[],
  ): Promise<void> {
    const events = appends.flatMap((p) => p.events);
    if (!condition && !events.some((e) => e.tags.length > 0)) return;
    await runGuard(
      client,
      this.guard,
      condition,
      events,
      appends.map((p) => p.streamId),
    );
  }

  /**
   * Whether `prepared` may share a statement with others (see {@link runMany}): what
   * would go alone by the single-event statement, one event after a number.
   */
  joinable(prepared: PreparedAppend): boolean {
    return this.planFor(prepared, false).joinable;
  }

  /**
   * Runs joinable appends of distinct streams as one statement, outside a transaction,
   * in the order given (callers sort by stream, so that two instances never lock in
   * opposite orders).
   * Returns each one's result in order, or undefined for one that wrote nothing: it must be
   * run again alone to learn why (a conflict, an exact retry).
   */
  async runMany(client: PoolClient, prepared: readonly PreparedAppend[]): Promise<(AppendResult | undefined)[]> {
    const form = formForMany(prepared, this.documentLimit);
    // Rows with permissions to check take the required form (a row denied goes in as nothing).
    const required = prepared.some((p) => p.required);
    const sql = required ? this.required : this.sql;
    const values = manyValues(form, prepared, required);
    const rows = await textRows(client, sql.nextOfMany[form], values, this.switches.textRows);
    // By stream (each appears once): another append of the batch may carry the same event id.
    const byStream = new Map(rows.map((row) => [row[InsertedOfMany.StreamId], row]));
    return prepared.map((p) => {
      const row = byStream.get(p.streamId);
      if (row?.[InsertedOfMany.EventId] !== p.events[0]!.eventId) return undefined;
      const streamVersion = Number(row[InsertedOfMany.Version]);
      this.caches.known.learn(p.streamId, streamVersion);
      return { streamVersion, position: BigInt(row[InsertedOfMany.Position]!), written: true };
    });
  }

  private async attempt(
    client: PoolClient,
    prepared: PreparedAppend,
    inTransaction: boolean,
    afterFailure?: () => Promise<unknown>,
  ): Promise<AppendResult> {
    const { streamId, streamType, events, condition } = prepared;
    const { sql, expected, guard } = this.planFor(prepared, inTransaction);
    const values: unknown[] = [streamId, streamType, expected];
    if (guard !== 'none') {
      // A guard of its own first (the table lock), then the insert with its shared locks alone.
      if (guard === 'before') await runGuard(client, this.guard, condition, events, [streamId]);
      values.push(...guardValues(guard === 'before' ? undefined : condition, events));
      if (!isTwoForms(sql)) {
        const [only] = events as [PreparedEvent];
        values.push(only.eventId, only.type, only.revision, only.dataJson, only.metadataJson, only.tags);
        return this.settle(client, prepared, sql, values, afterFailure);
      }
      const form = formFor(events, this.documentLimit);
      values.push(...eventValues(form, events, true));
      return this.settle(client, prepared, sql[form], values, afterFailure);
    }
    if (isTwoForms(sql)) {
      const form = formFor(events, this.documentLimit);
      values.push(...eventValues(form, events));
      return this.settle(client, prepared, sql[form], values, afterFailure);
    }
    const [only] = events as [PreparedEvent];
    values.push(only.eventId, only.type, only.revision, only.dataJson, only.metadataJson);
    return this.settle(client, prepared, sql, values, afterFailure);
  }

  /** Runs the chosen statement and reads what it answers. */
  private async settle(
    client: PoolClient,
    prepared: PreparedAppend,
    statement: Statement,
    values: unknown[],
    afterFailure?: () => Promise<unknown>,
  ): Promise<AppendResult> {
    const { events } = prepared;
    if (prepared.claims) values.push(...prepared.claims);
    if (prepared.required) values.push(requirementsJson(prepared.required));
    let row: TextRow | undefined;
    try {
      [row] = await textRows(client, statement, values, this.switches.textRows);
    } catch (error) {
      if (pgErrorOf(error)?.code !== '23505')
        throw conditionErrorOf(error, [prepared.streamId], prepared.condition) ?? error;
      await afterFailure?.();
      return this.replayOrThrow(client, prepared, error);
    }
    if (prepared.required && row?.[Inserted.Permitted] !== '1') {
      // The check found a requirement without its row, so nothing went in: which one is asked on this path alone.
      await afterFailure?.();
      throw await denialOf(client, this.missing, prepared.required);
    }
    if (row && Number(row[Inserted.Count]) === events.length) {
      return { streamVersion: Number(row[Inserted.Version]), position: BigInt(row[Inserted.Position]!), written: true };
    }
    return this.replayOrThrow(client, prepared);
  }

  /** The plan for `prepared` (see `planAppend`), with its statement (in both forms when it takes several events). */
  planFor(prepared: PreparedAppend, inTransaction: boolean): AppendPlan & { sql: Statement | TwoForms } {
    const { streamId, expectedVersion, events } = prepared;
    const plan = planAppend(
      {
        expectedVersion,
        eventCount: events.length,
        known: typeof expectedVersion === 'number' && this.caches.known.has(streamId, expectedVersion),
        inTransaction,
        tagged: prepared.tagged,
        condition: conditionKind(prepared.condition),
        personal: prepared.subjects !== undefined,
      },
      this.switches,
    );
    const sql = prepared.required
      ? prepared.subjects
        ? this.keyedRequired
        : this.required
      : prepared.subjects
        ? this.keyed
        : this.sql;
    if (plan.guard === 'none') return { ...plan, sql: sql[plan.statement] };
    return { ...plan, sql: sql.tagged[plan.statement] };
  }

  /**
   * Nothing was written: the append was done before (same ids at the same versions), or
   * it conflicts. `cause` is the unique violation, when there was one.
   */
  private async replayOrThrow(client: PoolClient, prepared: PreparedAppend, cause?: unknown): Promise<AppendResult> {
    const { streamId, events } = prepared;
    const [only] = events;
    let found: ReplayRow[];
    if (events.length === 1 && only) {
      const [row] = await textRows(client, this.sql.replayOne, [only.eventId, streamId], this.switches.textRows);
      found = [replayRowAt(row!, 0)];
    } else {
      const { rows } = await client.query<{ found: ReplayRow[] }>({
        ...this.sql.replay,
        values: [events.map((e) => e.eventId), streamId],
      });
      found = rows[0]!.found;
    }
    // Only a stream without events can be a tombstone's: the question costs nothing elsewhere.
    if (found[0]?.current_version === '0' && (await textRows(client, this.sql.tombstoned, [streamId])).length > 0) {
      throw new StreamTombstonedError(streamId);
    }
    return settleAppend(prepared, found, cause);
  }
}

/** Whether `statement` comes in both forms (it takes several events). */
function isTwoForms(statement: Statement | TwoForms): statement is TwoForms {
  return 'document' in statement;
}
