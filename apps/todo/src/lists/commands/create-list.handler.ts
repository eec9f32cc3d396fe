import { AggregateRepository, InjectAggregateRepository } from '@app/event-sourcing';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TodoList } from '../todo-list.aggregate';
import { CreateList } from './create-list.command';
import type { ListCommandResult } from './list-command-result';
import { resultOf } from './result-of';

@CommandHandler(CreateList)
export class CreateListHandler implements ICommandHandler<CreateList> {
  constructor(@InjectAggregateRepository(TodoList) private readonly lists: AggregateRepository<TodoList>) {}

  async execute({ listId, title }: CreateList): Promise<ListCommandResult> {
    // A new aggregate saves with expected version 0: creating an existing id is a conflict.
    const list = new TodoList(listId);
    list.create(title);
    return resultOf(list, await this.lists.save(list));
  }
}
