import { createHash } from 'node:crypto';

/** One of `count` partitions of the store's streams: events of a stream are all in the same one. */
export interface StreamPartition {
  /** 0 to `count - 1`. */
  index: number;
  count: number;
}

/**
 * The partition of a stream id among `count`: the first 32 bits of the MD5 of its UTF-8
 * bytes, modulo `count`. Stable across processes, versions and both stores, and the same
 * as {@link streamPartitionSql} computes in PostgreSQL.
 */
export function streamPartition(streamId: string, count: number): number {
  const head = createHash('md5').update(streamId, 'utf8').digest().readUInt32BE(0);
  return head % count;
}

/**
 * The SQL of {@link streamPartition} for a text column (`column`) and a bigint parameter
 * holding the count. @internal
 */
export function streamPartitionSql(column: string, countParameter: string): string {
  return `((('x' || left(md5(${column}), 8))::bit(32)::bigint) % ${countParameter})`;
}
