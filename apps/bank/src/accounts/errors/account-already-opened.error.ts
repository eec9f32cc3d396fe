import { DomainError } from 'nest-event-sourcing';

export class AccountAlreadyOpenedError extends DomainError {
  constructor(readonly accountId: string) {
    super('account-already-opened', `Account ${accountId} is already open.`);
  }
}
