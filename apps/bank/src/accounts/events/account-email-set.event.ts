import { DomainEvent, PersonalData } from 'nest-event-sourcing';

/**
 * The account's email, unique among accounts (case-insensitively): the `email` natural key.
 * Personal data of the account: null once forgotten, and its natural key then goes.
 */
@DomainEvent('bank.account-email-set')
export class AccountEmailSet {
  constructor(
    readonly accountId: string,
    @PersonalData({ subject: (e: AccountEmailSet) => e.accountId }) readonly email: string,
  ) {}
}
