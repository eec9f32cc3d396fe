import type { Saved } from 'nest-event-sourcing';
import type { TodoList } from '../todo-list.aggregate';
import type { ListCommandResult } from './list-command-result';

/** What a list command answers, from what it saved. */
export function resultOf({ aggregate, version, position }: Saved<TodoList>): ListCommandResult {
  return { id: aggregate.id, version, position: position === undefined ? null : position.toString() };
}
