import { Aggregate, AggregateRoot, Apply, DomainEvent } from 'nest-event-sourcing';

/** Type name of the deposits seeded straight into the store. */
export const DEPOSITED_TYPE = 'bench.deposited';

/** `every` of {@link SnapshottedBenchAccount}'s snapshot policy. */
export const SNAPSHOT_EVERY = 100;

@DomainEvent('bench.account-opened')
export class BenchAccountOpened {
  constructor(readonly owner: string) {}
}

@DomainEvent(DEPOSITED_TYPE)
export class Deposited {
  constructor(readonly amount: number) {}
}

/** The benchmark's aggregate, without snapshots: a load replays every event. */
@Aggregate('benchacct')
export class BenchAccount extends AggregateRoot {
  owner = '';
  balance = 0;
  deposits = 0;

  open(owner: string): void {
    this.apply(new BenchAccountOpened(owner));
  }

  deposit(amount: number): void {
    if (amount <= 0) throw new Error(`A deposit must be positive, not ${amount}.`);
    this.apply(new Deposited(amount));
  }

  @Apply(BenchAccountOpened)
  protected onOpened(event: BenchAccountOpened): void {
    this.owner = event.owner;
  }

  @Apply(Deposited)
  protected onDeposited(event: Deposited): void {
    this.balance += event.amount;
    this.deposits += 1;
  }
}

/**
 * The same aggregate on the same streams, snapshotted every 100 events: a load reads the
 * snapshot, then at most 99 events.
 */
@Aggregate('benchacct', { snapshots: { every: SNAPSHOT_EVERY } })
export class SnapshottedBenchAccount extends BenchAccount {}
