import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The account's email in the read model (null for accounts opened without one). */
export class AccountEmail1765100000001 implements MigrationInterface {
  readonly name = 'AccountEmail1765100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE bank_account_views ADD COLUMN email text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE bank_account_views DROP COLUMN email`);
  }
}
