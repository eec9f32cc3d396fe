import { ApiProperty } from '@nestjs/swagger';
import type { TodoListStatus } from '../projections/todo-list-view.entity';

/** A list as `GET /lists` shows it. */
export class TodoListSummaryResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Groceries' })
  title!: string;

  @ApiProperty({ enum: ['active', 'archived'], description: 'An archived list takes no changes until restored.' })
  status!: TodoListStatus;

  @ApiProperty({ description: 'The version of the list; also its ETag.', example: 3 })
  version!: number;

  @ApiProperty({ description: 'How many items the list holds.', example: 2 })
  itemCount!: number;

  @ApiProperty({ description: 'How many of them are done.', example: 1 })
  completedCount!: number;

  @ApiProperty({ description: 'When the last change was stored.' })
  updatedAt!: Date;
}

/** An item of a list. */
export class TodoItemResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Milk' })
  text!: string;

  @ApiProperty()
  done!: boolean;

  @ApiProperty({ nullable: true, type: Date, description: 'When it was completed; null while open.' })
  completedAt!: Date | null;
}

/** What `GET /lists/:id` answers: the list and its items, in the order they were added. */
export class TodoListResponse extends TodoListSummaryResponse {
  @ApiProperty({ type: [TodoItemResponse] })
  items!: TodoItemResponse[];
}

/** A page of `GET /lists`. */
export class TodoListPageResponse {
  @ApiProperty({ type: [TodoListSummaryResponse] })
  items!: TodoListSummaryResponse[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `after` for the next page; null on the last one.',
  })
  next!: string | null;
}
