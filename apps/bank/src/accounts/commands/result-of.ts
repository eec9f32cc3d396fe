import type { Saved } from 'nest-event-sourcing';
import type { BankAccount } from '../bank-account.aggregate';
import type { AccountCommandResult } from './account-command-result';

/** What an account command answers, from what it saved. */
export function resultOf({ aggregate, version, position }: Saved<BankAccount>): AccountCommandResult {
  return {
    id: aggregate.id,
    version,
    position: position === undefined ? null : position.toString(),
    balance: aggregate.balance,
  };
}
