import {
  AggregateRepository,
  DecisionRepository,
  InjectAggregateRepository,
  PermissionChecker,
} from 'nest-event-sourcing';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TodoList } from '../todo-list.aggregate';
import { AddItem } from './add-item.command';
import { ArchiveList } from './archive-list.command';
import { ChangeItem } from './change-item.command';
import type { ListCommandResult } from './list-command-result';
import { RenameList } from './rename-list.command';
import { RestoreList } from './restore-list.command';
import { ListTitleClaims } from '../list-title-claims.decision';
import { resultOf } from './result-of';
import { ListHandler } from './list-handler';
import { LIST } from '../list-access';

// Each command on an existing list is check, load, decide, save (`update`), at the
// If-Match version when there is one; a conflict with a concurrent command runs it again.
// Items are the editors' (`edit`); the title and the list's state its creator's (`manage`).

/** A handler that takes a title: it must be free of other active lists (see `ListTitleClaims`). */
abstract class TitleHandler extends ListHandler {
  constructor(
    @InjectAggregateRepository(TodoList) lists: AggregateRepository<TodoList>,
    permissions: PermissionChecker,
    private readonly decisions: DecisionRepository,
  ) {
    super(lists, permissions);
  }

  /**
   * Loads the list, checks that `titleOf(list)` is free for it, decides and saves on that
   * condition. A restore loads the archived (soft-deleted) list and restores its stream.
   */
  protected async withTitle(
    listId: string,
    expectedVersion: number | undefined,
    titleOf: (list: TodoList) => string,
    decide: (list: TodoList) => void,
    lifecycle?: 'restore',
  ): Promise<ListCommandResult> {
    await this.permissions.require('manage', { type: LIST, id: listId });
    const list = await this.lists.load(listId, { expectedVersion, includeDeleted: lifecycle === 'restore' });
    const claims = new ListTitleClaims(titleOf(list));
    const { condition } = await this.decisions.load(claims);
    decide(list);
    // A change that takes no title (a rename to the same one, say) needs no check.
    if (list.getUncommittedEvents().length > 0) claims.assertFreeFor(listId);
    return resultOf({ ...(await this.lists.save(list, { condition, lifecycle })), aggregate: list });
  }
}

@CommandHandler(RenameList)
export class RenameListHandler extends TitleHandler implements ICommandHandler<RenameList> {
  async execute({ listId, title, expectedVersion }: RenameList): Promise<ListCommandResult> {
    return this.withTitle(
      listId,
      expectedVersion,
      () => title,
      (list) => list.rename(title),
    );
  }
}

@CommandHandler(AddItem)
export class AddItemHandler extends ListHandler implements ICommandHandler<AddItem> {
  async execute({ listId, itemId, text, expectedVersion }: AddItem): Promise<ListCommandResult> {
    return this.change('edit', listId, (list) => list.addItem(itemId, text), expectedVersion);
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
    return this.change('edit', listId, change, expectedVersion);
  }
}

@CommandHandler(ArchiveList)
export class ArchiveListHandler extends ListHandler implements ICommandHandler<ArchiveList> {
  async execute({ listId, expectedVersion }: ArchiveList): Promise<ListCommandResult> {
    await this.permissions.require('manage', { type: LIST, id: listId });
    // The library's soft delete: the stream is kept (and restorable), commands on it answer 410.
    return resultOf(await this.lists.delete(listId, { expectedVersion, decide: (list) => list.archive() }));
  }
}

/** Restoring a list takes its title back: refused while another active list holds it. */
@CommandHandler(RestoreList)
export class RestoreListHandler extends TitleHandler implements ICommandHandler<RestoreList> {
  async execute({ listId, expectedVersion }: RestoreList): Promise<ListCommandResult> {
    return this.withTitle(
      listId,
      expectedVersion,
      (list) => list.title,
      (list) => list.restore(),
      'restore',
    );
  }
}
