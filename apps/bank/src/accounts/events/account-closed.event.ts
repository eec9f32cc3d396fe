import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('bank.account-closed')
export class AccountClosed {
  constructor(
    readonly accountId: string,
    readonly closedAt: Date,
  ) {}
}
