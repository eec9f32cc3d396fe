import { Upcaster, type EventUpcaster } from 'nest-event-sourcing';

/** Revision 1 as it was stored: the amount was called `cents` and no balance was kept. */
interface MoneyDepositedV1 {
  accountId: string;
  cents: number;
}

/**
 * Revision 1 → 2: `cents` becomes `amount`. The balance was not recorded then; `null`
 * says so, and the aggregate recomputes it from the amounts.
 */
@Upcaster({ type: 'bank.money-deposited', fromRevision: 1 })
export class MoneyDepositedV1Upcaster implements EventUpcaster {
  upcast(data: unknown): unknown {
    const { accountId, cents } = data as MoneyDepositedV1;
    return { accountId, amount: cents, balance: null };
  }
}
