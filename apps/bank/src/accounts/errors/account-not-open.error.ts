import { DomainError } from 'nest-event-sourcing';

export class AccountNotOpenError extends DomainError {
  constructor(readonly accountId: string) {
    super('account-not-open', `Account ${accountId} has not been opened.`);
  }
}
