import type { PoolClient } from 'pg';
import type { StreamDescription } from '../event-store';
import type { Statement } from './statement';
import { textRows } from './text-rows';
import { assertStreamId } from '../prepared-append';

/**
 * What `statement` (read-statements' `describeStream`) answers of a stream, as a description.
 * @throws InvalidStreamIdError for an id no stream can have.
 * @internal
 */
export async function describeStreamOn(
  client: PoolClient,
  statement: Statement,
  streamId: string,
): Promise<StreamDescription | undefined> {
  assertStreamId(streamId);
  const [row] = await textRows(client, statement, [streamId]);
  if (!row) return undefined;
  const [streamType, deleted, createdAt, version] = row;
  return {
    streamId,
    streamType: streamType ?? '',
    version: Number(version),
    deleted: deleted === 'true',
    createdAt: new Date(createdAt!),
  };
}
