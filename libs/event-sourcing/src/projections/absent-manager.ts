import type { EntityManager } from 'typeorm';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';

/**
 * The `manager` a projection gets under `database: 'memory'`, where there is none: any
 * use of it throws an `UnsupportedOperationError` that says why, rather than a
 * `TypeError` on `undefined`. @internal
 */
export function absentManager(owner: string): EntityManager {
  return new Proxy(Object.create(null) as object, {
    get(_target, key) {
      // Not a thenable, and inspection by symbol (util.inspect, jest) finds nothing.
      if (typeof key === 'symbol' || key === 'then') return undefined;
      throw new UnsupportedOperationError(
        `${owner} used its entity manager (manager.${key}), but database: 'memory' has none: keep the projection's state in a provider to run it in memory, or run it on PostgreSQL.`,
      );
    },
  }) as EntityManager;
}
