import type { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { inTransaction } from '../database/in-transaction';
import { quoteIdentifier } from '../database/quote-identifier';
import { streamPartitionSql } from '../store/stream-partition';
import { checkpointKeys, isPartitioned } from './partition-views';
import { subscriberLockKey } from './subscription-connection';
import type { SubscriberDefinition } from './subscriber-definition';

/**
 * Creates the checkpoint rows of a subscriber as it is declared now: its own row, or one
 * per partition. When its partitions changed (rows of another count, or of none, are
 * there), the old rows give way in one transaction: a projection is reset and rebuilt
 * in every new partition (its events must not be applied twice); a handler or publisher
 * starts every new partition at the oldest old checkpoint (at least once: some events
 * again); parked events go to the partition of their stream. Several instances starting
 * at once do this once (a transaction-level advisory lock). @internal
 */
export async function ensureCheckpointLayout(
  dataSource: DataSource,
  schema: string,
  definition: SubscriberDefinition,
  logger: Logger,
): Promise<void> {
  const s = quoteIdentifier(schema);
  const { name } = definition;
  const keys = checkpointKeys(definition);
  const insert = `INSERT INTO ${s}.es_checkpoints (subscriber) SELECT unnest($1::text[]) ON CONFLICT (subscriber) DO NOTHING`;
  await inTransaction(dataSource, async (runner) => {
    await runner.query('SELECT pg_advisory_xact_lock($1::bigint)', [
      subscriberLockKey(schema, `${name}#layout`).key.toString(),
    ]);
    const rows = (await runner.query(
      `SELECT subscriber, transaction_id::text AS xid, position::text AS position FROM ${s}.es_checkpoints
        WHERE subscriber = $1 OR left(subscriber, length($1) + 1) = $1 || '#'
        ORDER BY transaction_id, position`,
      [name],
    )) as { subscriber: string; xid: string; position: string }[];
    const old = rows.filter((row) => !keys.includes(row.subscriber));
    const missing = keys.filter((key) => !rows.some((row) => row.subscriber === key));
    if (missing.length === 0 || old.length === 0) {
      if (missing.length > 0) await runner.query(insert, [missing]);
      return;
    }
    const oldKeys = old.map((row) => row.subscriber);
    const count = definition.options.partitions;
    if (definition.rebuildable && definition.reset) {
      await definition.reset(runner.manager);
      await runner.query(
        `INSERT INTO ${s}.es_checkpoints (subscriber, status, rebuild_started_at)
         SELECT unnest($1::text[]), 'rebuilding', now() ON CONFLICT (subscriber) DO NOTHING`,
        [missing],
      );
      await runner.query(`DELETE FROM ${s}.es_parked_events WHERE subscriber = ANY($1::text[])`, [oldKeys]);
      logger.warn(`${name}: now in ${count} partition(s); its read models are reset and rebuilt`);
    } else {
      const oldest = old[0]!;
      await runner.query(
        `INSERT INTO ${s}.es_checkpoints (subscriber, transaction_id, position)
         SELECT unnest($1::text[]), $2::text::xid8, $3::bigint ON CONFLICT (subscriber) DO NOTHING`,
        [missing, oldest.xid, oldest.position],
      );
      await runner.query(
        `UPDATE ${s}.es_parked_events SET subscriber = ${
          isPartitioned(definition)
            ? `$2 || '#' || ${streamPartitionSql('stream_id', '$3::bigint')} || '/' || $3::bigint::text`
            : '$2'
        } WHERE subscriber = ANY($1::text[])`,
        isPartitioned(definition) ? [oldKeys, name, count] : [oldKeys, name],
      );
      logger.warn(
        `${name}: now in ${count} partition(s); each starts at the oldest checkpoint it had (events after it are handled again)`,
      );
    }
    await runner.query(`DELETE FROM ${s}.es_checkpoints WHERE subscriber = ANY($1::text[])`, [oldKeys]);
  });
}
