import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables of the todo lists read model. Run at startup with the store's migrations. */
export class TodoReadModel1764400000000 implements MigrationInterface {
  readonly name = 'TodoReadModel1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE todo_list_views (
      id              text        PRIMARY KEY,
      title           text        NOT NULL,
      status          text        NOT NULL CHECK (status IN ('active', 'archived')),
      version         integer     NOT NULL,
      item_count      integer     NOT NULL CHECK (item_count >= 0),
      completed_count integer     NOT NULL CHECK (completed_count BETWEEN 0 AND item_count),
      created_at      timestamptz NOT NULL,
      updated_at      timestamptz NOT NULL
    )`);
    // GET /lists pages through one status by id.
    await queryRunner.query('CREATE INDEX todo_list_views_status_id ON todo_list_views (status, id)');
    await queryRunner.query(`CREATE TABLE todo_item_views (
      list_id       text        NOT NULL REFERENCES todo_list_views (id) ON DELETE CASCADE,
      item_id       text        NOT NULL,
      text          text        NOT NULL,
      done          boolean     NOT NULL,
      completed_at  timestamptz,
      added_version integer     NOT NULL,
      PRIMARY KEY (list_id, item_id),
      UNIQUE (list_id, added_version)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE todo_item_views');
    await queryRunner.query('DROP TABLE todo_list_views');
  }
}
