import { randomUUID } from 'node:crypto';
import { AggregateRepository, InjectAggregateRepository } from 'nest-event-sourcing';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BenchAccount } from './bench-account';

/** Opens a new account: its stream must not exist yet. */
export class OpenBenchAccount extends Command<number> {
  /** Becomes the causation id of the events. */
  readonly commandId = randomUUID();

  constructor(readonly accountId: string) {
    super();
  }
}

/** Deposits into an existing account; resolves to the account's new version. */
export class DepositToBenchAccount extends Command<number> {
  readonly commandId = randomUUID();

  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {
    super();
  }
}

@CommandHandler(OpenBenchAccount)
export class OpenBenchAccountHandler implements ICommandHandler<OpenBenchAccount> {
  constructor(@InjectAggregateRepository(BenchAccount) private readonly accounts: AggregateRepository<BenchAccount>) {}

  async execute({ accountId }: OpenBenchAccount): Promise<number> {
    const account = new BenchAccount(accountId);
    account.open(`owner of ${accountId}`);
    return (await this.accounts.save(account)).version;
  }
}

/**
 * Load, apply one event, save: the usual handler. It also records how long each try spent
 * loading and saving, so that the report can tell where a command's time goes. The
 * library's retry wrapper calls `execute` again after a `ConcurrencyError`, so `tries`
 * minus the commands is the retries.
 */
@CommandHandler(DepositToBenchAccount)
export class DepositToBenchAccountHandler implements ICommandHandler<DepositToBenchAccount> {
  tries = 0;
  loadNanos = 0n;
  saveNanos = 0n;

  constructor(@InjectAggregateRepository(BenchAccount) private readonly accounts: AggregateRepository<BenchAccount>) {}

  async execute({ accountId, amount }: DepositToBenchAccount): Promise<number> {
    this.tries++;
    const begin = process.hrtime.bigint();
    const account = await this.accounts.load(accountId);
    const loaded = process.hrtime.bigint();
    this.loadNanos += loaded - begin;
    account.deposit(amount);
    try {
      return (await this.accounts.save(account)).version;
    } finally {
      this.saveNanos += process.hrtime.bigint() - loaded;
    }
  }

  /** Clears the counters, e.g. after the warm-up. */
  reset(): void {
    this.tries = 0;
    this.loadNanos = 0n;
    this.saveNanos = 0n;
  }
}
