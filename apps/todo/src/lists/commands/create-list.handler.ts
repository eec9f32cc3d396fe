import { AggregateRepository, DecisionRepository, InjectAggregateRepository } from 'nest-event-sourcing';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ListTitleClaims } from '../list-title-claims.decision';
import { TodoList } from '../todo-list.aggregate';
import { CreateList } from './create-list.command';
import type { ListCommandResult } from './list-command-result';
import { resultOf } from './result-of';

@CommandHandler(CreateList)
export class CreateListHandler implements ICommandHandler<CreateList> {
  constructor(
    @InjectAggregateRepository(TodoList) private readonly lists: AggregateRepository<TodoList>,
    private readonly decisions: DecisionRepository,
  ) {}

  /**
   * A new stream: creating an id that exists is a conflict, and writes nothing. The
   * title must be free: saved on the condition that no list took it since it was read,
   * else the handler runs again and finds it taken.
   */
  async execute({ listId, title }: CreateList): Promise<ListCommandResult> {
    const claims = new ListTitleClaims(title);
    const { condition } = await this.decisions.load(claims);
    claims.assertFreeFor(listId);
    return resultOf(await this.lists.create(listId, (list) => list.create(title), { condition }));
  }
}
