import { AggregateRepository, InjectAggregateRepository } from 'nest-event-sourcing';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TodoList } from '../todo-list.aggregate';
import { AddItem } from './add-item.command';
import { ArchiveList } from './archive-list.command';
import { ChangeItem } from './change-item.command';
import type { ListCommandResult } from './list-command-result';
import { RenameList } from './rename-list.command';
import { RestoreList } from './restore-list.command';
import { resultOf } from './result-of';

// Each command on an existing list is load, decide, save (`update`), at the If-Match
// version when there is one; a conflict with a concurrent command runs it again.

/** The repository every list handler uses. */
abstract class ListHandler {
  constructor(@InjectAggregateRepository(TodoList) protected readonly lists: AggregateRepository<TodoList>) {}
}

@CommandHandler(RenameList)
export class RenameListHandler extends ListHandler implements ICommandHandler<RenameList> {
  async execute({ listId, title, expectedVersion }: RenameList): Promise<ListCommandResult> {
    return resultOf(await this.lists.update(listId, (list) => list.rename(title), { expectedVersion }));
  }
}

@CommandHandler(AddItem)
export class AddItemHandler extends ListHandler implements ICommandHandler<AddItem> {
  async execute({ listId, itemId, text, expectedVersion }: AddItem): Promise<ListCommandResult> {
    return resultOf(await this.lists.update(listId, (list) => list.addItem(itemId, text), { expectedVersion }));
  }
}

@CommandHandler(ChangeItem)
export class ChangeItemHandler extends ListHandler implements ICommandHandler<ChangeItem> {
  async execute({ listId, itemId, action, expectedVersion }: ChangeItem): Promise<ListCommandResult> {
    const change = (list: TodoList): void => {
      if (action === 'complete') list.completeItem(itemId);
      else if (action === 'reopen') list.reopenItem(itemId);
      else list.removeItem(itemId);
    };
    return resultOf(await this.lists.update(listId, change, { expectedVersion }));
  }
}

@CommandHandler(ArchiveList)
export class ArchiveListHandler extends ListHandler implements ICommandHandler<ArchiveList> {
  async execute({ listId, expectedVersion }: ArchiveList): Promise<ListCommandResult> {
    return resultOf(await this.lists.update(listId, (list) => list.archive(), { expectedVersion }));
  }
}

@CommandHandler(RestoreList)
export class RestoreListHandler extends ListHandler implements ICommandHandler<RestoreList> {
  async execute({ listId, expectedVersion }: RestoreList): Promise<ListCommandResult> {
    return resultOf(await this.lists.update(listId, (list) => list.restore(), { expectedVersion }));
  }
}
