import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Whether a list takes changes (`active`) or is soft-deleted until restored (`archived`). */
export type TodoListStatus = 'active' | 'archived';

/** One todo list as `GET /lists` shows it; kept by {@link TodoListsProjection}. */
@Entity('todo_list_views')
export class TodoListView {
  @PrimaryColumn('text')
  id!: string;

  /** The tenant the list belongs to; null where the app runs without tenants. */
  @Column('text', { name: 'tenant_id', nullable: true })
  tenantId!: string | null;

  @Column('text')
  title!: string;

  @Column('text')
  status!: TodoListStatus;

  /** The list stream's version after the last event applied: the HTTP ETag. */
  @Column('integer')
  version!: number;

  /** How many items the list holds now (removed ones are gone). */
  @Column('integer', { name: 'item_count' })
  itemCount!: number;

  /** How many of them are done. */
  @Column('integer', { name: 'completed_count' })
  completedCount!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
