import { Command } from '@nestjs/cqrs';
import type { AccountCommandResult } from './account-command-result';

/** A command on an existing account; `expectedVersion` comes from an HTTP If-Match. */
export abstract class AccountOperation extends Command<AccountCommandResult> {
  constructor(
    readonly accountId: string,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}
