import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('bank.account-opened')
export class AccountOpened {
  constructor(
    readonly accountId: string,
    readonly owner: string,
    readonly openedAt: Date,
  ) {}
}
