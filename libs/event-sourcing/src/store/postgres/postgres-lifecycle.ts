import type { PoolClient } from 'pg';
import { NaturalKeyIndexError } from '../../errors/natural-key-index-error';
import { NaturalKeyTakenError } from '../../errors/natural-key-taken-error';
import { sqlStateOf } from '../../errors/pg-error-fields';
import { StreamNotFoundError } from '../../errors/stream-not-found-error';
import { shortTag } from '../../database/short-tag';
import type { AppendResult } from '../event-store';
import type { PreparedAppend } from '../prepared-append';
import type { StreamTombstone } from '../stream-effects';
import { tombstoneEvent } from '../tombstones';
import type { NewEvent } from '../../events/event-envelope';
import type { TransactionScope } from './postgres-transaction';
import type { Statement } from './statement';
import { textRows } from './text-rows';

/** SQLSTATEs of a missing table and of a missing function: the migration did not run, or the table was dropped. */
const MISSING = new Set(['42P01', '42883']);

/**
 * Natural keys, soft delete and restore, hard delete and tombstones on PostgreSQL (the
 * tables of the lifecycle migration). Runs on the connection of a transaction the store
 * opened. @internal
 */
export class PostgresLifecycle {
  private readonly sql: Record<'effects' | 'findKey' | 'tombstone' | 'lastOf' | 'bury', Statement>;
  private readonly removals: string[];
  private readonly lockEvents: string;

  /** @param s the quoted schema. */
  constructor(s: string) {
    const statement = (name: string, text: string): Statement => ({ name: `es_${name}_${shortTag(s)}`, text });
    this.sql = {
      effects: statement('effects', `SELECT r[1], r[2] FROM ${s}.es_stream_effects($1, $2, $3, $4, $5, $6) AS r`),
      findKey: statement(
        'find_key',
        `SELECT stream_id FROM ${s}.es_natural_keys WHERE tenant = $1 AND key = $2 AND value = $3 AND NOT released`,
      ),
      tombstone: statement(
        'tombstone',
        `SELECT stream_type, last_version, last_position, to_json(deleted_at) #>> '{}'
           FROM ${s}.es_stream_tombstones WHERE stream_id = $1`,
      ),
      lastOf: statement(
        'last_of',
        `SELECT (SELECT stream_type FROM ${s}.es_streams WHERE stream_id = $1), max(version), max(position)
           FROM ${s}.es_events WHERE stream_id = $1`,
      ),
      bury: statement(
        'bury',
        `INSERT INTO ${s}.es_stream_tombstones (stream_id, stream_type, last_version, last_position)
         VALUES ($1, coalesce($2, ''), $3, $4)`,
      ),
    };
    this.removals = ['es_events', 'es_snapshots', 'es_natural_keys', 'es_streams'].map(
      (table) => `DELETE FROM ${s}.${table} WHERE stream_id = $1`,
    );
    this.lockEvents = `LOCK TABLE ${s}.es_events IN SHARE ROW EXCLUSIVE MODE`;
  }

  /**
   * Runs `append` with `prepared`'s effects (natural keys, a soft delete or restore)
   * first, in a savepoint of the caller's transaction, so that they stand or fall together.
   * @throws NaturalKeyTakenError when another stream holds a claimed key; nothing is written.
   */
  async withEffects(
    client: PoolClient,
    prepared: PreparedAppend,
    append: () => Promise<AppendResult>,
  ): Promise<AppendResult> {
    const effects = prepared.effects;
    if (!effects) return append();
    await client.query('SAVEPOINT es_effects');
    try {
      const [taken] = await textRows(client, this.sql.effects, [
        prepared.streamId,
        effects.claim.map((c) => c.key),
        effects.claim.map((c) => c.value),
        effects.release,
        effects.lifecycle ?? null,
        effects.tenant,
      ]).catch(missingTable);
      if (taken?.[0] != null) throw new NaturalKeyTakenError(taken[0], taken[1] ?? '', prepared.streamId);
      const result = await append();
      await client.query('RELEASE SAVEPOINT es_effects');
      return result;
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT es_effects').catch(() => undefined);
      throw error;
    }
  }

  /** The stream of `tenant` ('' for none) holding `value` of `key`, if any. */
  async findByNaturalKey(client: PoolClient, tenant: string, key: string, value: string): Promise<string | undefined> {
    const [row] = await textRows(client, this.sql.findKey, [tenant, key, value]).catch(missingTable);
    return row?.[0] ?? undefined;
  }

  async tombstoneOf(client: PoolClient, streamId: string): Promise<StreamTombstone | undefined> {
    const [row] = await textRows(client, this.sql.tombstone, [streamId]);
    if (!row) return undefined;
    const [streamType, lastVersion, lastPosition, deletedAt] = row;
    return {
      streamId,
      streamType: streamType ?? '',
      lastVersion: Number(lastVersion),
      lastPosition: BigInt(lastPosition!),
      deletedAt: new Date(deletedAt!),
    };
  }

  /**
   * A hard delete in the scope's transaction: {@link bury}, then the `es.stream-tombstoned`
   * event (prepared by `prepare`) for subscribers. Deleting a tombstoned stream again
   * answers its tombstone and appends nothing.
   */
  async hardDelete(
    scope: TransactionScope,
    streamId: string,
    prepare: (event: NewEvent) => PreparedAppend,
    reason: string | undefined,
  ): Promise<StreamTombstone> {
    const { tombstone, fresh } = await scope.run((client) => this.bury(client, streamId));
    if (fresh) await scope.append(prepare(tombstoneEvent(tombstone, reason)));
    return tombstone;
  }

  /**
   * Removes the stream's events, snapshot, keys and row and keeps its tombstone, in the
   * caller's transaction, with the events table locked against writers: an append in
   * flight finishes first (and its events go too), and one that waits sees the
   * tombstone when it goes on. Answers the tombstone, and whether it is new.
   * @throws StreamNotFoundError for a stream with no events and no tombstone.
   */
  async bury(client: PoolClient, streamId: string): Promise<{ tombstone: StreamTombstone; fresh: boolean }> {
    await client.query(this.lockEvents);
    const existing = await this.tombstoneOf(client, streamId);
    if (existing) return { tombstone: existing, fresh: false };
    const [last] = await textRows(client, this.sql.lastOf, [streamId]);
    if (last?.[1] == null) throw new StreamNotFoundError(streamId);
    await textRows(client, this.sql.bury, [streamId, last[0] ?? null, last[1], last[2]]);
    for (const text of this.removals) await client.query(text, [streamId]);
    return { tombstone: (await this.tombstoneOf(client, streamId))!, fresh: true };
  }
}

/** A missing key table or function reaches the caller as what it is, never as "no key". */
function missingTable(error: unknown): never {
  if (MISSING.has(sqlStateOf(error) ?? '')) {
    throw new NaturalKeyIndexError(`is missing (${(error as Error).message})`, { cause: error });
  }
  throw error;
}
