import type { EntityManager } from 'typeorm';
import type { PermissionGrant, PermissionRevocation } from '../events/permission-declarations';

/** One question to the permissions read model: may this actor act on this aggregate? @internal */
export interface PermissionQuery {
  tenantId: string;
  actorId: string;
  aggregateType: string;
  aggregateId: string;
  /** Any of these permissions will do (the action, `'*'`, the roles that include it). */
  permissions: readonly string[];
}

/**
 * The permissions read model: written in the transaction of the events that grant and
 * revoke (`manager` is that transaction's, undefined in memory), read by the checks.
 * @internal
 */
export abstract class PermissionStore {
  abstract grant(
    tenantId: string,
    grants: readonly PermissionGrant[],
    position: bigint,
    manager?: EntityManager,
  ): Promise<void>;
  abstract revoke(
    tenantId: string,
    revocations: readonly PermissionRevocation[],
    manager?: EntityManager,
  ): Promise<void>;
  /**
   * Whether one of the permissions is held, read now (the checks of appends are the
   * stores' own, with the row locked: see `RequiredPermission`).
   */
  abstract holds(query: PermissionQuery): Promise<boolean>;
  /** The aggregate ids of a type on which one of the permissions is held; `'all'` for a `'*'` grant. */
  abstract aggregatesWith(query: Omit<PermissionQuery, 'aggregateId'>): Promise<'all' | string[]>;
  /**
   * Replaces the rows of one tenant (or all) with what `replay` writes into `target`,
   * atomically with respect to appends that grant or revoke: those in flight finish
   * first, later ones wait until it ends; checks see the old rows or the new ones.
   */
  abstract rebuild(tenantId: string | undefined, replay: PermissionReplay): Promise<void>;
}

/** What a rebuild replays into: the store to write, with the transaction's manager (none in memory). @internal */
export type PermissionReplay = (target: PermissionStore, manager: EntityManager | undefined) => Promise<void>;

/** The read model in a provider, for `database: 'memory'`. @internal */
export class InMemoryPermissionStore extends PermissionStore {
  /** tenant / actor / type → aggregate id → permissions. */
  private readonly rows = new Map<string, Map<string, Set<string>>>();

  /** Resolved while no rebuild runs: writes wait for it, as PostgreSQL's wait for the table lock. */
  private gate: Promise<void> = Promise.resolve();

  override async grant(tenantId: string, grants: readonly PermissionGrant[]): Promise<void> {
    await this.gate;
    for (const grant of grants) {
      const byAggregate = this.aggregates(tenantId, grant.actorId, grant.aggregateType, true)!;
      const held = byAggregate.get(grant.aggregateId) ?? new Set<string>();
      held.add(grant.permission);
      byAggregate.set(grant.aggregateId, held);
    }
    return Promise.resolve();
  }

  override async revoke(tenantId: string, revocations: readonly PermissionRevocation[]): Promise<void> {
    await this.gate;
    for (const revocation of revocations) {
      const byAggregate = this.aggregates(tenantId, revocation.actorId, revocation.aggregateType, false);
      const held = byAggregate?.get(revocation.aggregateId);
      if (!held) continue;
      if (revocation.permissions) for (const permission of revocation.permissions) held.delete(permission);
      else held.clear();
      if (held.size === 0) byAggregate!.delete(revocation.aggregateId);
    }
    return Promise.resolve();
  }

  override holds(query: PermissionQuery): Promise<boolean> {
    return Promise.resolve(this.heldNow(query));
  }

  /** {@link holds}, answered at once: the in-memory store's check of an append's requirements. */
  heldNow(query: PermissionQuery): boolean {
    const byAggregate = this.aggregates(query.tenantId, query.actorId, query.aggregateType, false);
    return [query.aggregateId, '*'].some((id) =>
      query.permissions.some((permission) => byAggregate?.get(id)?.has(permission)),
    );
  }

  override aggregatesWith(query: Omit<PermissionQuery, 'aggregateId'>): Promise<'all' | string[]> {
    const byAggregate = this.aggregates(query.tenantId, query.actorId, query.aggregateType, false);
    const ids = [...(byAggregate ?? new Map<string, Set<string>>())]
      .filter(([, held]) => query.permissions.some((permission) => held.has(permission)))
      .map(([id]) => id);
    return Promise.resolve(ids.includes('*') ? 'all' : ids.sort());
  }

  override async rebuild(tenantId: string | undefined, replay: PermissionReplay): Promise<void> {
    const previous = this.gate;
    let open!: () => void;
    this.gate = new Promise<void>((resolve) => (open = resolve));
    try {
      await previous;
      // Appends past the gate already finish committing first (no I/O here: a turn of the loop).
      await new Promise<void>((resolve) => setImmediate(resolve));
      const rebuilt = new InMemoryPermissionStore();
      await replay(rebuilt, undefined);
      for (const key of [...this.rows.keys()]) {
        if (tenantId === undefined || (JSON.parse(key) as string[])[0] === tenantId) this.rows.delete(key);
      }
      for (const [key, byAggregate] of rebuilt.rows) this.rows.set(key, byAggregate);
    } finally {
      open();
    }
  }

  private aggregates(tenantId: string, actorId: string, type: string, create: boolean) {
    const key = JSON.stringify([tenantId, actorId, type]);
    let found = this.rows.get(key);
    if (!found && create) this.rows.set(key, (found = new Map<string, Set<string>>()));
    return found;
  }
}
