import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Column, Entity, PrimaryColumn, type EntityManager } from 'typeorm';
import {
  DomainEvent,
  DurableEventHandler,
  EventSourcingModule,
  On,
  Projection,
  type DurableHandlerContext,
  type EventEnvelope,
  type EventSourcingModuleOptions,
  type ProjectionContext,
} from 'nest-event-sourcing';

// A small ledger for the subscription tests: deposits to accounts, a projection of the
// balances (a TypeORM entity), and a durable handler that records what it was given.

@DomainEvent('ledger.deposited')
export class Deposited {
  constructor(
    readonly account: string,
    readonly amount: number,
  ) {}
}

@DomainEvent('ledger.noted')
export class Noted {
  constructor(readonly text: string) {}
}

@Entity('ledger_balances')
export class LedgerBalance {
  @PrimaryColumn()
  account!: string;

  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  balance!: number;

  @Column('integer')
  deposits!: number;
}

@Entity('ledger_notes')
export class LedgerNote {
  @PrimaryColumn('uuid')
  eventId!: string;

  @Column('text')
  text!: string;

  @Column('bigint')
  position!: string;
}

/** Test knobs, shared by the instances a test boots. */
export const ledgerControl = {
  /** Deposits of this amount fail while `failing` is true. */
  poisonAmount: -1,
  failing: false,
  attempts: 0,
  /** Slows each batch down, to stop an instance in the middle of a catch-up. */
  delayMs: 0,
  handled: [] as string[],
  replayed: 0,
};

export async function applyDeposit(manager: EntityManager, account: string, amount: number): Promise<void> {
  await manager.query(
    `INSERT INTO ledger_balances (account, balance, deposits) VALUES ($1, $2, 1)
     ON CONFLICT (account) DO UPDATE SET balance = ledger_balances.balance + $2, deposits = ledger_balances.deposits + 1`,
    [account, amount],
  );
}

@Projection('ledger-balances', { readModels: [LedgerBalance], maxAttempts: 3, retryBackoffMs: 10 })
@Injectable()
export class LedgerBalancesProjection {
  @On(Deposited)
  async deposited({ data }: EventEnvelope<Deposited>, { manager, replaying }: ProjectionContext): Promise<void> {
    if (replaying) ledgerControl.replayed++;
    if (data.amount === ledgerControl.poisonAmount && ledgerControl.failing) {
      ledgerControl.attempts++;
      throw new Error(`amount ${data.amount} is poison`);
    }
    if (ledgerControl.delayMs) await new Promise((resolve) => setTimeout(resolve, ledgerControl.delayMs));
    await applyDeposit(manager, data.account, data.amount);
  }
}

@Projection('ledger-notes', { mode: 'inline' })
@Injectable()
export class LedgerNotesProjection {
  @On(Noted)
  async noted({ eventId, position, data }: EventEnvelope<Noted>, { manager }: ProjectionContext): Promise<void> {
    if (data.text === 'reject') throw new Error('notes saying "reject" are refused');
    await manager.insert(LedgerNote, { eventId, text: data.text, position: position.toString() });
  }
}

@DurableEventHandler('ledger-recorder', { maxAttempts: 2, retryBackoffMs: 10 })
@Injectable()
export class LedgerRecorder {
  @On(Noted)
  noted({ eventId, data }: EventEnvelope<Noted>, { attempt }: DurableHandlerContext): void {
    if (data.text === 'boom' && ledgerControl.failing) throw new Error(`boom on try ${attempt}`);
    ledgerControl.handled.push(eventId);
  }
}

@Module({
  imports: [
    TypeOrmModule.forFeature([LedgerBalance, LedgerNote]),
    EventSourcingModule.forFeature({
      projections: [LedgerBalancesProjection, LedgerNotesProjection],
      eventHandlers: [LedgerRecorder],
    }),
  ],
})
export class LedgerModule {}

/** Boots the ledger on a database, subscriptions polling fast. */
export async function bootLedger(
  url: string,
  options: Partial<EventSourcingModuleOptions> = {},
  extra: DynamicModule[] = [],
): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      EventSourcingModule.forRoot({
        database: url,
        batchSize: 100,
        subscriptions: { pollIntervalMs: 200, leaseRetryMs: 200, maxBackoffMs: 300, heldBackAfterMs: 200 },
        typeorm: { synchronize: true },
        ...options,
      }),
      LedgerModule,
      ...extra,
    ],
  }).compile();
  moduleRef.useLogger(['error']);
  await moduleRef.init();
  return moduleRef;
}
