import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One item of a todo list; kept by {@link TodoListsProjection}, deleted when removed. */
@Entity('todo_item_views')
export class TodoItemView {
  @PrimaryColumn('text', { name: 'list_id' })
  listId!: string;

  @PrimaryColumn('text', { name: 'item_id' })
  id!: string;

  @Column('text')
  text!: string;

  @Column('boolean')
  done!: boolean;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt!: Date | null;

  /**
   * The list's version when the item was added: unique within the list and growing, so
   * the items read back in the order they were added, without renumbering on removal.
   */
  @Column('integer', { name: 'added_version' })
  addedVersion!: number;
}
