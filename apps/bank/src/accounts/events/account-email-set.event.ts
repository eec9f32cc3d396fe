import { DomainEvent } from 'nest-event-sourcing';

/** The account's email, unique among accounts (case-insensitively): the `email` natural key. */
@DomainEvent('bank.account-email-set')
export class AccountEmailSet {
  constructor(
    readonly accountId: string,
    readonly email: string,
  ) {}
}
