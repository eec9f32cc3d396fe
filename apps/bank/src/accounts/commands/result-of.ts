import type { SaveResult } from '@app/event-sourcing';
import type { BankAccount } from '../bank-account.aggregate';
import type { AccountCommandResult } from './account-command-result';

export function resultOf(account: BankAccount, saved: SaveResult): AccountCommandResult {
  return {
    id: account.id,
    version: saved.version,
    position: saved.position === undefined ? null : saved.position.toString(),
    balance: account.balance,
  };
}
