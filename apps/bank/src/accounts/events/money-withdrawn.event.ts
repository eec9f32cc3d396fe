import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('bank.money-withdrawn')
export class MoneyWithdrawn {
  constructor(
    readonly accountId: string,
    /** Minor units (cents). */
    readonly amount: number,
    readonly balance: number,
    /** The transfer that debited it, if any. */
    readonly transferId?: string,
  ) {}
}
