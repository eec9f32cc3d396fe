import { DomainError } from 'nest-event-sourcing';

export class SameAccountTransferError extends DomainError {
  constructor(readonly accountId: string) {
    super('same-account-transfer', `A transfer needs two accounts; ${accountId} is both source and target.`);
  }
}
