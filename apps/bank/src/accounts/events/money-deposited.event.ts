import { DomainEvent } from 'nest-event-sourcing';

/**
 * Revision 2 carries the balance after the deposit. Revision 1 (`{ accountId, cents }`)
 * is still in the store and is upcast by {@link MoneyDepositedV1Upcaster}.
 */
@DomainEvent('bank.money-deposited', { revision: 2 })
export class MoneyDeposited {
  constructor(
    readonly accountId: string,
    /** Minor units (cents). */
    readonly amount: number,
    /** The balance after the deposit; null on deposits stored in revision 1. */
    readonly balance: number | null,
    /** The transfer that credited (or refunded) it, if any. */
    readonly transferId?: string,
    /** True when it gives back the debit of a transfer that failed. */
    readonly refund?: boolean,
    /** The reference of an external deposit (from the broker): each is deposited at most once. */
    readonly reference?: string,
  ) {}
}
