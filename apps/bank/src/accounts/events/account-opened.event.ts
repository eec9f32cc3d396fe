import { DomainEvent, PersonalData } from 'nest-event-sourcing';

/**
 * `owner` is personal data of the account: stored encrypted with the account's key, and
 * read as null once the account's personal data is forgotten (its stored shape stays a
 * string, so the recorded event schema keeps it as one).
 */
@DomainEvent('bank.account-opened')
export class AccountOpened {
  constructor(
    readonly accountId: string,
    @PersonalData({ subject: (e: AccountOpened) => e.accountId }) readonly owner: string,
    readonly openedAt: Date,
  ) {}
}
