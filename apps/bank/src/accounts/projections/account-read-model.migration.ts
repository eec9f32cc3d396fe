import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables of the accounts read model. Run at startup with the store's migrations. */
export class AccountReadModel1764300000000 implements MigrationInterface {
  readonly name = 'AccountReadModel1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE bank_account_views (
      id         text        PRIMARY KEY,
      owner      text        NOT NULL,
      balance    bigint      NOT NULL CHECK (balance >= 0),
      status     text        NOT NULL,
      version    integer     NOT NULL,
      opened_at  timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await queryRunner.query(`CREATE TABLE bank_account_transactions (
      event_id      uuid        PRIMARY KEY,
      account_id    text        NOT NULL,
      version       integer     NOT NULL,
      kind          text        NOT NULL,
      amount        bigint      NOT NULL,
      balance_after bigint      NOT NULL,
      at            timestamptz NOT NULL,
      UNIQUE (account_id, version)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE bank_account_transactions');
    await queryRunner.query('DROP TABLE bank_account_views');
  }
}
