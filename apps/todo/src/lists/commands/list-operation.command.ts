import { Command } from '@nestjs/cqrs';
import type { ListCommandResult } from './list-command-result';

/** A command on an existing list; `expectedVersion` comes from an HTTP If-Match. */
export abstract class ListOperation extends Command<ListCommandResult> {
  constructor(
    readonly listId: string,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}
