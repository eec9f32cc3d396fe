import { Command } from '@nestjs/cqrs';
import type { ListCommandResult } from './list-command-result';

export class CreateList extends Command<ListCommandResult> {
  constructor(
    readonly listId: string,
    readonly title: string,
  ) {
    super();
  }
}
