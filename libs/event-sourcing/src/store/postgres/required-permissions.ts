import type { PoolClient } from 'pg';
import type { PermissionDeniedError } from '../../errors/permission-denied-error';
import { deniedBy, type AppendPermission } from '../append-requirements';
import { requirementsJson } from './permitted-sql';
import type { Statement } from './statement';
import { textRows } from './text-rows';

/**
 * The error of an append that its permission check denied, naming the first requirement
 * found missing (the first of all when one has been granted again since). @internal
 */
export async function denialOf(
  client: PoolClient,
  statement: Statement,
  required: readonly AppendPermission[],
): Promise<PermissionDeniedError> {
  if (required.length === 1) return deniedBy(required[0]!);
  const [row] = await textRows(client, statement, [requirementsJson(required)]);
  return deniedBy(required[row ? Number(row[0]) - 1 : 0]!);
}
