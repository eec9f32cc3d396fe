import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The owner of an account may be forgotten: nullable, and the account says whether it was. */
export class AccountPersonalData1765200000001 implements MigrationInterface {
  readonly name = 'AccountPersonalData1765200000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE bank_account_views ALTER COLUMN owner DROP NOT NULL');
    await queryRunner.query(
      `ALTER TABLE bank_account_views ADD COLUMN personal_data text NOT NULL DEFAULT 'kept'
         CHECK (personal_data IN ('kept', 'forgotten'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE bank_account_views DROP COLUMN personal_data');
    await queryRunner.query(`UPDATE bank_account_views SET owner = '' WHERE owner IS NULL`);
    await queryRunner.query('ALTER TABLE bank_account_views ALTER COLUMN owner SET NOT NULL');
  }
}
