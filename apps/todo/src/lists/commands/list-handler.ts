import { AggregateRepository, InjectAggregateRepository, PermissionChecker } from 'nest-event-sourcing';
import { LIST, type ListAction } from '../list-access';
import { TodoList } from '../todo-list.aggregate';
import type { ListCommandResult } from './list-command-result';
import { resultOf } from './result-of';

/**
 * What every handler of a command on an existing list does: check that the user may
 * (`PermissionChecker.require`: in the append's own statement, so a revocation that
 * commits first denies the command and it writes nothing; at the command's end when it
 * appends nothing or fails otherwise), then load, decide and save (`update`) at the
 * If-Match version when there is one.
 */
export abstract class ListHandler {
  constructor(
    @InjectAggregateRepository(TodoList) protected readonly lists: AggregateRepository<TodoList>,
    protected readonly permissions: PermissionChecker,
  ) {}

  protected async change(
    action: ListAction,
    listId: string,
    change: (list: TodoList) => void,
    expectedVersion: number | undefined,
  ): Promise<ListCommandResult> {
    await this.permissions.require(action, { type: LIST, id: listId });
    return resultOf(await this.lists.update(listId, change, { expectedVersion }));
  }
}
