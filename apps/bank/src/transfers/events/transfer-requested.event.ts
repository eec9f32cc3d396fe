import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('bank.transfer-requested')
export class TransferRequested {
  constructor(
    readonly transferId: string,
    readonly fromAccountId: string,
    readonly toAccountId: string,
    /** Minor units (cents). */
    readonly amount: number,
    /** Large transfers wait for an approval after the debit, until a deadline. */
    readonly needsApproval: boolean,
  ) {}
}
