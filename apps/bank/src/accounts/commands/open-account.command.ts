import { Command } from '@nestjs/cqrs';
import type { AccountCommandResult } from './account-command-result';

export class OpenAccount extends Command<AccountCommandResult> {
  constructor(
    readonly accountId: string,
    readonly owner: string,
    readonly initialDeposit = 0,
    /** Unique among accounts, case-insensitively. */
    readonly email?: string,
  ) {
    super();
  }
}
