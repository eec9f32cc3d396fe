import { Aggregate, AggregateRoot, Apply } from 'nest-event-sourcing';
import { Deposited } from './bench-account';

/** Stream type of {@link DepositTotal}: its streams are `benchtotal-<id>`. */
export const DEPOSIT_TOTAL_TYPE = 'benchtotal';

/** The stream of the {@link DepositTotal} `id`, for the sides that read it without the repository. */
export function depositTotalStream(id: string): string {
  return `${DEPOSIT_TOTAL_TYPE}-${id}`;
}

/** Workload 4's aggregate: the sum of the amounts of the deposits in its stream. */
@Aggregate(DEPOSIT_TOTAL_TYPE)
export class DepositTotal extends AggregateRoot {
  total = 0;

  @Apply(Deposited)
  protected onDeposited(event: Deposited): void {
    this.total += event.amount;
  }
}
