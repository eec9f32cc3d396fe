import type { SaveResult } from '@app/event-sourcing';
import type { TodoList } from '../todo-list.aggregate';
import type { ListCommandResult } from './list-command-result';

export function resultOf(list: TodoList, saved: SaveResult): ListCommandResult {
  return {
    id: list.id,
    version: saved.version,
    position: saved.position === undefined ? null : saved.position.toString(),
  };
}
