import { AggregateRepository, InjectAggregateRepository } from '@app/event-sourcing';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TodoList } from '../todo-list.aggregate';
import type { ListCommandResult } from './list-command-result';
import { AddItem } from './add-item.command';
import { ArchiveList } from './archive-list.command';
import { ChangeItem } from './change-item.command';
import type { ListOperation } from './list-operation.command';
import { RenameList } from './rename-list.command';
import { RestoreList } from './restore-list.command';
import { resultOf } from './result-of';

/**
 * Load, decide, save: the shape of every command on an existing list. A conflict with a
 * concurrent command is retried by the framework (the whole handler runs again).
 */
abstract class ListOperationHandler<C extends ListOperation> {
  constructor(@InjectAggregateRepository(TodoList) private readonly lists: AggregateRepository<TodoList>) {}

  async execute(command: C): Promise<ListCommandResult> {
    const list = await this.lists.load(command.listId, { expectedVersion: command.expectedVersion });
    this.decide(list, command);
    return resultOf(list, await this.lists.save(list));
  }

  protected abstract decide(list: TodoList, command: C): void;
}

@CommandHandler(RenameList)
export class RenameListHandler extends ListOperationHandler<RenameList> implements ICommandHandler<RenameList> {
  protected decide(list: TodoList, { title }: RenameList): void {
    list.rename(title);
  }
}

@CommandHandler(AddItem)
export class AddItemHandler extends ListOperationHandler<AddItem> implements ICommandHandler<AddItem> {
  protected decide(list: TodoList, { itemId, text }: AddItem): void {
    list.addItem(itemId, text);
  }
}

@CommandHandler(ChangeItem)
export class ChangeItemHandler extends ListOperationHandler<ChangeItem> implements ICommandHandler<ChangeItem> {
  protected decide(list: TodoList, { itemId, action }: ChangeItem): void {
    if (action === 'complete') list.completeItem(itemId);
    else if (action === 'reopen') list.reopenItem(itemId);
    else list.removeItem(itemId);
  }
}

@CommandHandler(ArchiveList)
export class ArchiveListHandler extends ListOperationHandler<ArchiveList> implements ICommandHandler<ArchiveList> {
  protected decide(list: TodoList): void {
    list.archive();
  }
}

@CommandHandler(RestoreList)
export class RestoreListHandler extends ListOperationHandler<RestoreList> implements ICommandHandler<RestoreList> {
  protected decide(list: TodoList): void {
    list.restore();
  }
}
