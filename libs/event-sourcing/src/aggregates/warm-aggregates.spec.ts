import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import {
  Command,
  CommandBus,
  CommandHandler,
  CqrsModule,
  EventsHandler,
  type ICommandHandler,
  type IEventHandler,
} from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { CommandRetry } from '../commands/command-retry.decorator';
import { ConfigurationError } from '../errors/configuration-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import { EventStore } from '../store/event-store';
import { Aggregate } from './aggregate.decorator';
import { AggregateRoot } from './aggregate-root';
import type { AggregateRepository } from './aggregate-repository';
import { Apply } from './apply.decorator';
import { getAggregateRepositoryToken, InjectAggregateRepository } from './inject-aggregate-repository.decorator';

// Two application instances on one database, both keeping aggregates warm: whatever one
// kept, the other may have moved on since. Every command must still decide on the
// stored state.

@DomainEvent('wallet.credited')
class Credited {
  constructor(
    readonly amount: number,
    /** A wallet whose balance the in-process event handler below looks up. */
    readonly peekAt?: string,
  ) {}
}

@DomainEvent('wallet.debited')
class Debited {
  constructor(readonly amount: number) {}
}

class NotEnoughMoney extends Error {}

@Aggregate('wallet')
class Wallet extends AggregateRoot {
  balance = 0;

  credit(amount: number, peekAt?: string): void {
    this.apply(new Credited(amount, peekAt));
  }

  debit(amount: number): void {
    if (amount > this.balance) throw new NotEnoughMoney(`balance ${this.balance} < ${amount}`);
    this.apply(new Debited(amount));
  }

  @Apply(Credited)
  protected onCredited({ amount }: Credited): void {
    this.balance += amount;
  }

  @Apply(Debited)
  protected onDebited({ amount }: Debited): void {
    this.balance -= amount;
  }
}

interface WalletState {
  balance: number;
  version: number;
}

class Credit extends Command<WalletState> {
  constructor(
    readonly id: string,
    readonly amount: number,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}
class CreditOnce extends Credit {}
class Debit extends Credit {}
/** Saves nothing: answers from the loaded state. */
class Balance extends Command<WalletState> {
  constructor(readonly id: string) {
    super();
  }
}
/** Decides on `from` (enough money?) but saves only `to`. */
class CreditIfCovered extends Command<WalletState> {
  constructor(
    readonly from: string,
    readonly to: string,
    readonly amount: number,
  ) {
    super();
  }
}
/** Applies a credit, then fails before saving it. */
class CreditThenFail extends Credit {}
/** Reads the wallet, then dispatches a Credit of 1 to it: the nested command writes. */
class TopUpByOne extends Balance {}
/** Two tries at most; `between` runs after the load, before the decision. */
class DebitWithPause extends Command<WalletState> {
  constructor(
    readonly id: string,
    readonly amount: number,
    readonly between: (attempt: number) => Promise<void>,
  ) {
    super();
  }
}
/** Credits `id` with an event that makes the event handler read `peekAt`. */
class CreditAndPeek extends Command<WalletState> {
  constructor(
    readonly id: string,
    readonly peekAt: string,
  ) {
    super();
  }
}

/** Aggregate instances in use by a command right now: two at once would be a shared instance. */
const inUse = new Set<Wallet>();

abstract class WalletHandler {
  constructor(@InjectAggregateRepository(Wallet) protected readonly wallets: AggregateRepository<Wallet>) {}

  /** Load (a new wallet when there is none, unless a version is expected), decide, save. */
  protected async change(
    id: string,
    expectedVersion: number | undefined,
    decide: (w: Wallet) => void,
  ): Promise<WalletState> {
    const wallet =
      expectedVersion === undefined
        ? ((await this.wallets.find(id)) ?? new Wallet(id))
        : await this.wallets.load(id, { expectedVersion });
    if (inUse.has(wallet)) throw new Error('two commands hold one aggregate instance');
    inUse.add(wallet);
    try {
      await new Promise((resolve) => setImmediate(resolve)); // let concurrent commands interleave
      decide(wallet);
      const { version } = await this.wallets.save(wallet);
      return { balance: wallet.balance, version };
    } finally {
      inUse.delete(wallet);
    }
  }
}

@CommandHandler(Credit)
class CreditHandler extends WalletHandler implements ICommandHandler<Credit> {
  execute({ id, amount, expectedVersion }: Credit): Promise<WalletState> {
    return this.change(id, expectedVersion, (w) => w.credit(amount));
  }
}

@CommandHandler(CreditOnce)
@CommandRetry({ attempts: 1 })
class CreditOnceHandler extends WalletHandler implements ICommandHandler<CreditOnce> {
  execute({ id, amount }: CreditOnce): Promise<WalletState> {
    return this.change(id, undefined, (w) => w.credit(amount));
  }
}

@CommandHandler(Debit)
class DebitHandler extends WalletHandler implements ICommandHandler<Debit> {
  execute({ id, amount }: Debit): Promise<WalletState> {
    return this.change(id, undefined, (w) => w.debit(amount));
  }
}

@CommandHandler(Balance)
class BalanceHandler extends WalletHandler implements ICommandHandler<Balance> {
  async execute({ id }: Balance): Promise<WalletState> {
    const { balance, version } = await this.wallets.load(id);
    return { balance, version };
  }
}

@CommandHandler(CreditIfCovered)
class CreditIfCoveredHandler extends WalletHandler implements ICommandHandler<CreditIfCovered> {
  async execute({ from, to, amount }: CreditIfCovered): Promise<WalletState> {
    const source = await this.wallets.load(from);
    if (source.balance < amount) throw new NotEnoughMoney(`${from} holds ${source.balance}`);
    return this.change(to, undefined, (w) => w.credit(amount));
  }
}

@CommandHandler(CreditThenFail)
class CreditThenFailHandler extends WalletHandler implements ICommandHandler<CreditThenFail> {
  async execute({ id, amount }: CreditThenFail): Promise<WalletState> {
    const wallet = await this.wallets.load(id);
    wallet.credit(amount);
    throw new Error('gave up before saving');
  }
}

@CommandHandler(TopUpByOne)
class TopUpByOneHandler extends WalletHandler implements ICommandHandler<TopUpByOne> {
  constructor(
    @InjectAggregateRepository(Wallet) wallets: AggregateRepository<Wallet>,
    private readonly commands: CommandBus,
  ) {
    super(wallets);
  }

  async execute({ id }: TopUpByOne): Promise<WalletState> {
    const { balance } = await this.wallets.load(id);
    return this.commands.execute(new Credit(id, balance > 0 ? 1 : 0));
  }
}

@CommandHandler(DebitWithPause)
@CommandRetry({ attempts: 2 })
class DebitWithPauseHandler extends WalletHandler implements ICommandHandler<DebitWithPause> {
  private readonly tries = new Map<DebitWithPause, number>();

  async execute(command: DebitWithPause): Promise<WalletState> {
    const attempt = (this.tries.get(command) ?? 0) + 1;
    this.tries.set(command, attempt);
    const wallet = await this.wallets.load(command.id);
    await command.between(attempt);
    wallet.debit(command.amount);
    const { version } = await this.wallets.save(wallet);
    return { balance: wallet.balance, version };
  }
}

@CommandHandler(CreditAndPeek)
class CreditAndPeekHandler extends WalletHandler implements ICommandHandler<CreditAndPeek> {
  execute({ id, peekAt }: CreditAndPeek): Promise<WalletState> {
    return this.change(id, undefined, (w) => w.credit(1, peekAt));
  }
}

/** What the in-process event handler saw of the wallets it looked up. */
const peeked: number[] = [];

@EventsHandler(Credited)
class PeekingHandler implements IEventHandler<Credited> {
  constructor(@InjectAggregateRepository(Wallet) private readonly wallets: AggregateRepository<Wallet>) {}

  async handle({ peekAt }: Credited): Promise<void> {
    if (peekAt) peeked.push((await this.wallets.load(peekAt)).balance);
  }
}

@Module({
  imports: [EventSourcingModule.forFeature({ aggregates: [Wallet] })],
  providers: [
    TopUpByOneHandler,
    DebitWithPauseHandler,
    CreditAndPeekHandler,
    PeekingHandler,
    CreditHandler,
    CreditOnceHandler,
    DebitHandler,
    BalanceHandler,
    CreditIfCoveredHandler,
    CreditThenFailHandler,
  ],
})
class WalletsModule {}

interface Instance {
  moduleRef: TestingModule;
  run<R>(command: Command<R>): Promise<R>;
  wallets: AggregateRepository<Wallet>;
  /** Streams whose events this instance read, in order. */
  streamReads: string[];
  /** Streams whose version this instance asked, in order. */
  versionQueries: string[];
}

async function startInstance(url: string, warmAggregates: number): Promise<Instance> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      CqrsModule.forRoot(),
      EventSourcingModule.forRoot({
        database: url,
        warmAggregates,
        subscriptions: { run: false },
        commandRetry: { attempts: 10, backoffMs: 5 },
      }),
      WalletsModule,
    ],
  }).compile();
  await moduleRef.init();
  const store = moduleRef.get(EventStore);
  const streamReads: string[] = [];
  const iterate = store.iterateStream.bind(store);
  jest.spyOn(store, 'iterateStream').mockImplementation((streamId, options) => {
    streamReads.push(streamId);
    return iterate(streamId, options);
  });
  const versionQueries: string[] = [];
  const streamVersion = store.streamVersion.bind(store);
  jest.spyOn(store, 'streamVersion').mockImplementation((streamId) => {
    versionQueries.push(streamId);
    return streamVersion(streamId);
  });
  const bus = moduleRef.get(CommandBus);
  return {
    moduleRef,
    run: (command) => bus.execute(command),
    wallets: moduleRef.get(getAggregateRepositoryToken(Wallet)),
    streamReads,
    versionQueries,
  };
}

describe('warm aggregates (kept in memory between commands)', () => {
  let database: TestDatabase;
  let a: Instance;
  let b: Instance;
  const reads = (instance: Instance, id: string): number =>
    instance.streamReads.filter((s) => s === `wallet-${id}`).length;
  const stored = async (id: string): Promise<number> => (await a.wallets.load(id)).balance;

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'warm_aggregates');
    a = await startInstance(database.url, 100);
    b = await startInstance(database.url, 100);
  });

  afterAll(async () => {
    await a?.moduleRef.close();
    await b?.moduleRef.close();
    await database?.drop();
  });

  it('skips reading the stream for the next command on an aggregate this instance saved', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 10));
    expect(await a.run(new Credit(id, 5))).toEqual({ balance: 15, version: 2 });
    expect(await a.run(new Credit(id, 1))).toEqual({ balance: 16, version: 3 });
    expect(await a.run(new Balance(id))).toEqual({ balance: 16, version: 3 });
    // The first command found no stream; the others were served warm.
    expect(reads(a, id)).toBe(1);
  });

  it('runs a command again on the stored state when another instance moved the stream on', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 10));
    await b.run(new Credit(id, 7)); // a's warm copy is now one version behind
    expect(await a.run(new Credit(id, 1))).toEqual({ balance: 18, version: 3 });
    expect(await stored(id)).toBe(18);
  });

  it('does not refuse a command on a stale warm state: a refusal is checked against the stream', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 10));
    await b.run(new Credit(id, 100));
    // a's warm copy holds 10: it would refuse. The stream holds 110.
    expect(await a.run(new Debit(id, 50))).toEqual({ balance: 60, version: 3 });
    expect(await stored(id)).toBe(60);
  });

  it('still refuses what the current state refuses, with one version query and no stream read', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 10));
    const readsBefore = reads(a, id);
    const versionQueriesBefore = a.versionQueries.length;
    await expect(a.run(new Debit(id, 50))).rejects.toThrow(NotEnoughMoney);
    expect(reads(a, id)).toBe(readsBefore);
    expect(a.versionQueries.slice(versionQueriesBefore)).toEqual([`wallet-${id}`]);
    expect(await stored(id)).toBe(10);
  });

  it('answers a command that saves nothing from the current state, not a stale warm one', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 10));
    await b.run(new Credit(id, 5));
    expect(await a.run(new Balance(id))).toEqual({ balance: 15, version: 2 });
  });

  it('checks an aggregate a command decided on before it saves another one', async () => {
    const [from, to] = [randomUUID(), randomUUID()];
    await a.run(new Credit(from, 100));
    await b.run(new Debit(from, 100)); // a still holds from at 100
    await expect(a.run(new CreditIfCovered(from, to, 60))).rejects.toThrow(NotEnoughMoney);
    expect(await a.wallets.find(to)).toBeNull();

    await b.run(new Credit(from, 80));
    expect(await a.run(new CreditIfCovered(from, to, 60))).toEqual({ balance: 60, version: 1 });
  });

  it('never hands out an instance a failed command changed', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 10));
    await expect(a.run(new CreditThenFail(id, 1_000))).rejects.toThrow('gave up before saving');
    expect(await a.run(new Balance(id))).toEqual({ balance: 10, version: 1 });
  });

  it('keeps stale copies out of commands that cannot run again and of an If-Match version', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 10));
    await b.run(new Credit(id, 5));
    // Run once only: a stale warm copy would make it fail with a conflict it cannot retry.
    expect(await a.run(new CreditOnce(id, 1))).toEqual({ balance: 16, version: 3 });

    await b.run(new Credit(id, 4)); // a keeps version 3; the stream is at 4
    expect(await a.run(new Credit(id, 1, 4))).toEqual({ balance: 21, version: 5 });
  });

  it('runs a command that dispatches another one once, the warm copy it read confirmed first', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 10));
    expect(await a.run(new TopUpByOne(id))).toEqual({ balance: 11, version: 2 });
    expect(await a.wallets.load(id)).toMatchObject({ balance: 11, version: 2 });

    await b.run(new Credit(id, 5)); // what a keeps is stale: the outer handler runs again first
    expect(await a.run(new TopUpByOne(id))).toEqual({ balance: 17, version: 4 });
    expect((await a.wallets.load(id)).version).toBe(4);
  });

  it('decides the last try on the stream, even when the copy kept in between went stale', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 10));
    await b.run(new Credit(id, 100)); // 110; a keeps 10
    let paused!: () => void;
    let resume!: () => void;
    const pausedOnce = new Promise<void>((resolve) => (paused = resolve));
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    const debit = a.run(
      new DebitWithPause(id, 150, async (attempt) => {
        if (attempt !== 1) return;
        paused();
        await resumed;
      }),
    );
    await pausedOnce; // try 1 holds the copy at 10
    await a.run(new Credit(id, 1)); // meanwhile a reads the stream, saves 111 and keeps that
    await b.run(new Credit(id, 100)); // 211: what a keeps is stale again
    resume();
    // Try 1 refuses on 10 (stale); try 2, the last, reads the stream: 211.
    expect(await debit).toEqual({ balance: 61, version: 5 });
  });

  it('keeps the outcome when asking the stream version fails, by running the command again', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 10));
    const store = a.moduleRef.get(EventStore);
    jest.spyOn(store, 'streamVersion').mockRejectedValueOnce(new Error('connection reset'));
    expect(await a.run(new Balance(id))).toEqual({ balance: 10, version: 1 });
  });

  it("gives in-process event handlers the stored state, not the command's warm copies", async () => {
    const [payer, watched] = [randomUUID(), randomUUID()];
    await a.run(new Credit(watched, 10)); // a keeps it at 10
    await b.run(new Credit(watched, 5)); // it is at 15
    peeked.length = 0;
    await a.run(new CreditAndPeek(payer, watched));
    await new Promise((resolve) => setTimeout(resolve, 100)); // event handlers run after the save
    expect(peeked).toEqual([15]);
  });

  it('never lets two concurrent commands of one instance hold the same aggregate instance', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 1));
    const results = await Promise.all(Array.from({ length: 8 }, () => a.run(new Credit(id, 1))));
    expect(results.map((r) => r.version).sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await stored(id)).toBe(9);
  });

  it('serves loads outside command handlers from the stream', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 10));
    await b.run(new Credit(id, 5));
    expect((await a.wallets.load(id)).balance).toBe(15);
  });

  it('ends with the exact balance when both instances credit one aggregate at once', async () => {
    const id = randomUUID();
    await a.run(new Credit(id, 1));
    await b.run(new Credit(id, 1));
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).run(new Credit(id, 1))));
    expect(await stored(id)).toBe(12);
    // Whatever each kept last, the next command on either instance lands on the stored state.
    expect(await a.run(new Credit(id, 1))).toEqual({ balance: 13, version: 13 });
    expect(await b.run(new Credit(id, 1))).toEqual({ balance: 14, version: 14 });
  });

  it('keeps at most warmAggregates aggregates, dropping the least recently used', async () => {
    const small = await startInstance(database.url, 2);
    try {
      const [x, y, z] = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of [x, y, z]) await small.run(new Credit(id, 1));
      // Keeping z pushed x out; y and z are still warm.
      for (const id of [z, y, x]) await small.run(new Credit(id, 1));
      expect([x, y, z].map((id) => reads(small, id))).toEqual([2, 1, 1]);
    } finally {
      await small.moduleRef.close();
    }
  });

  it('rejects a warmAggregates option that is not a whole number >= 0', async () => {
    await expect(startInstance(database.url, -1)).rejects.toThrow(ConfigurationError);
    await expect(startInstance(database.url, 1.5)).rejects.toThrow(/warmAggregates must be a whole number >= 0/);
  });
});
