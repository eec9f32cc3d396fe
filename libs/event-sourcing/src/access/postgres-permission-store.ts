import type { DataSource, EntityManager } from 'typeorm';
import { shortTag } from '../database/short-tag';
import { PoolConnections } from '../store/postgres/pool-connections';
import type { PermissionGrant, PermissionRevocation } from '../events/permission-declarations';
import { PermissionStore, type PermissionQuery, type PermissionReplay } from './permission-store';
import { inTransaction } from '../database/in-transaction';

/** The read model in `es_permissions` (see the store's permissions migration). @internal */
export class PostgresPermissionStore extends PermissionStore {
  private readonly table: string;
  private readonly connections: PoolConnections;
  /** The check outside a transaction: named, so each connection plans it once. */
  private readonly check: { name: string; text: string };

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    super();
    this.table = `${schema}.es_permissions`;
    this.connections = new PoolConnections(dataSource, () => undefined);
    this.check = {
      name: `es_permission_check_${shortTag(schema)}`,
      text: `SELECT 1 FROM ${this.table}
        WHERE tenant_id = $1 AND actor_id = $2 AND aggregate_type = $3 AND aggregate_id IN ($4, '*')
          AND permission = ANY($5::text[]) LIMIT 1`,
    };
  }

  override async grant(
    tenantId: string,
    grants: readonly PermissionGrant[],
    position: bigint,
    manager?: EntityManager,
  ): Promise<void> {
    if (grants.length === 0) return;
    await (manager ?? this.dataSource).query(
      `INSERT INTO ${this.table} (tenant_id, actor_id, aggregate_type, aggregate_id, permission, granted_at)
       SELECT $1, g.actor_id, g.aggregate_type, g.aggregate_id, g.permission, $6
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS g(actor_id, aggregate_type, aggregate_id, permission)
       ON CONFLICT DO NOTHING`,
      [
        tenantId,
        grants.map((g) => g.actorId),
        grants.map((g) => g.aggregateType),
        grants.map((g) => g.aggregateId),
        grants.map((g) => g.permission),
        position.toString(),
      ],
    );
  }

  override async revoke(
    tenantId: string,
    revocations: readonly PermissionRevocation[],
    manager?: EntityManager,
  ): Promise<void> {
    for (const { actorId, aggregateType, aggregateId, permissions } of revocations) {
      await (manager ?? this.dataSource).query(
        `DELETE FROM ${this.table}
         WHERE tenant_id = $1 AND actor_id = $2 AND aggregate_type = $3 AND aggregate_id = $4
           AND ($5::text[] IS NULL OR permission = ANY($5::text[]))`,
        [tenantId, actorId, aggregateType, aggregateId, permissions ? [...permissions] : null],
      );
    }
  }

  override async holds(query: PermissionQuery): Promise<boolean> {
    const values = [query.tenantId, query.actorId, query.aggregateType, query.aggregateId, [...query.permissions]];
    // On the path of every checked read: a prepared statement on a pooled pg client.
    const { rowCount } = await this.connections.use((client) => client.query({ ...this.check, values }));
    return (rowCount ?? 0) > 0;
  }

  override async rebuild(tenantId: string | undefined, replay: PermissionReplay): Promise<void> {
    await inTransaction(this.dataSource, async (runner) => {
      // EXCLUSIVE waits for appends that wrote rows and makes later ones (and their checks,
      // FOR SHARE) wait until this commits; plain reads go on, seeing the old rows until then.
      await runner.query(`LOCK TABLE ${this.table} IN EXCLUSIVE MODE`);
      if (tenantId === undefined) await runner.query(`DELETE FROM ${this.table}`);
      else await runner.query(`DELETE FROM ${this.table} WHERE tenant_id = $1`, [tenantId]);
      await replay(this, runner.manager);
    });
  }

  override async aggregatesWith(query: Omit<PermissionQuery, 'aggregateId'>): Promise<'all' | string[]> {
    const rows = await this.dataSource.query<{ aggregate_id: string }[]>(
      `SELECT DISTINCT aggregate_id FROM ${this.table}
       WHERE tenant_id = $1 AND actor_id = $2 AND aggregate_type = $3 AND permission = ANY($4::text[])
       ORDER BY aggregate_id`,
      [query.tenantId, query.actorId, query.aggregateType, [...query.permissions]],
    );
    const ids = rows.map((row) => row.aggregate_id);
    return ids.includes('*') ? 'all' : ids;
  }
}
