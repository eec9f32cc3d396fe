import { AggregateRepository, InjectAggregateRepository } from 'nest-event-sourcing';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TodoList } from '../todo-list.aggregate';
import { CreateList } from './create-list.command';
import type { ListCommandResult } from './list-command-result';
import { resultOf } from './result-of';

@CommandHandler(CreateList)
export class CreateListHandler implements ICommandHandler<CreateList> {
  constructor(@InjectAggregateRepository(TodoList) private readonly lists: AggregateRepository<TodoList>) {}

  /** A new stream: creating an id that exists is a conflict, and writes nothing. */
  async execute({ listId, title }: CreateList): Promise<ListCommandResult> {
    return resultOf(await this.lists.create(listId, (list) => list.create(title)));
  }
}
