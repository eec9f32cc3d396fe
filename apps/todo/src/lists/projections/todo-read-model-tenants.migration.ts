import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each list's tenant in the read model (null where the app runs without tenants), and
 * the index `GET /lists` pages a tenant's lists of one status with.
 */
export class TodoReadModelTenants1765400000002 implements MigrationInterface {
  readonly name = 'TodoReadModelTenants1765400000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE todo_list_views ADD COLUMN tenant_id text');
    await queryRunner.query(
      'CREATE INDEX todo_list_views_tenant_status_id ON todo_list_views (tenant_id, status, id) WHERE tenant_id IS NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX todo_list_views_tenant_status_id');
    await queryRunner.query('ALTER TABLE todo_list_views DROP COLUMN tenant_id');
  }
}
