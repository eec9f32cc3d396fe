import { DomainError } from 'nest-event-sourcing';

export class AccountClosedError extends DomainError {
  constructor(readonly accountId: string) {
    super('account-closed', `Account ${accountId} is closed; it takes no more commands.`);
  }
}
