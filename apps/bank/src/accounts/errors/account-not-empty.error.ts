import { DomainError } from 'nest-event-sourcing';

export class AccountNotEmptyError extends DomainError {
  constructor(
    readonly accountId: string,
    readonly balance: number,
  ) {
    super('account-not-empty', `Account ${accountId} still holds ${balance}; withdraw it before closing.`);
  }
}
