import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { EventSourcingModule, EventStore, type NewEvent } from 'nest-event-sourcing';
import type { PersonalDataCellResult, PersonalDataCellSpec, PersonalDataParams } from './personal-data-config';
import { OperationTimer, operationRate } from './stats';
import { readCellSpec } from './store-cell-process';

// One cell of the personal data section, in a process of its own: boots the module as an
// application does (module defaults, untimed), runs its workload once (timed) and prints
// `{"result":…}`.

@Module({})
class PersonalDataBenchModule {
  static forRoot(url: string, poolSize: number): DynamicModule {
    return {
      module: PersonalDataBenchModule,
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({ database: url, poolSize, applicationName: 'bench-personal-data' }),
      ],
    };
  }
}

/** An account's opening as the bank stores it: with its owner and email as personal data, or as plain JSON. */
const opened = (accountId: string, personal: boolean): NewEvent => ({
  type: 'bench.account-opened',
  data: {
    accountId,
    owner: `Owner ${accountId.slice(-6)}`,
    email: `owner-${accountId.slice(-6)}@example.com`,
    openedAt: new Date().toISOString(),
  },
  ...(personal ? { personalData: { owner: accountId, email: accountId } } : {}),
});

const deposit = (accountId: string): NewEvent => ({ type: 'bench.deposited', data: { accountId, amount: 100 } });

type Workload = (store: EventStore, p: PersonalDataParams, timer: OperationTimer, id: string) => Promise<void>;

/** A new account per append, its first event: each a new subject, so each personal append stores a key. */
const openAccounts =
  (personal: boolean): Workload =>
  async (store, p, timer, id) => {
    for (let n = 0; n < p.appends; n++) {
      const accountId = `${id}-${n}`;
      await timer.time(() =>
        store.append(`account-${accountId}`, [opened(accountId, personal)], { expectedVersion: 'no_stream' }),
      );
    }
  };

const WORKLOADS: Record<PersonalDataCellSpec['cell'], Workload> = {
  plain: openAccounts(false),
  personal: openAccounts(true),
  /** Untimed: accounts with personal data and deposits; timed: forgetting each account's subject. */
  forget: async (store, p, timer, id) => {
    const subjects = Array.from({ length: p.forgets }, (_, n) => `${id}-${n}`);
    timer.stop();
    for (const accountId of subjects) {
      const events = [
        opened(accountId, true),
        ...Array.from({ length: p.eventsPerAccount - 1 }, () => deposit(accountId)),
      ];
      await store.append(`account-${accountId}`, events, { expectedVersion: 'no_stream' });
    }
    timer.start();
    for (const subject of subjects) {
      const result = await timer.time(() => store.forget(subject));
      if (!result.forgotten || result.streamIds.length !== 1) throw new Error(`forget(${subject}) did not forget.`);
    }
  },
};

async function main(): Promise<void> {
  const spec = readCellSpec(process.argv.slice(2)) as unknown as PersonalDataCellSpec;
  const context = await NestFactory.createApplicationContext(
    PersonalDataBenchModule.forRoot(spec.url, spec.params.poolSize),
    { logger: ['error'] },
  );
  try {
    const store = context.get(EventStore);
    const timer = new OperationTimer();
    timer.start();
    await WORKLOADS[spec.cell](store, spec.params, timer, spec.cellId);
    timer.stop();
    const result: PersonalDataCellResult = { ...operationRate(timer.stats(0)) };
    process.stdout.write(`${JSON.stringify({ result })}\n`);
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  console.error('Personal data cell failed:', error);
  process.exitCode = 1;
});
