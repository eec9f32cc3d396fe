import { START_OF_STORE, type AppendResult, type EventStore, type GlobalCursor } from 'nest-event-sourcing';
import { agrees, describeCalls, observe, RollBack, type Observed, type Played } from './store-answers';
import { CallMaker } from './store-call-maker';
import type { StepSpec } from './store-commands';
import { verifyLog, type Appended } from './store-log-check';
import { StoreModel, type AppendCall, type Outcome } from './store-model';
import { playTransactionRace } from './store-transaction-race';

/** A store the properties run against. */
export interface PropertySubject {
  /** The store for the next run: a new one, or the same one again (each run has streams of its own). */
  storeForRun(): EventStore;
  /** The store's `maxEventSize`, in bytes. */
  maxEventSize: number;
  close?: () => Promise<void>;
}

/**
 * Plays generated steps against a store and holds it to {@link StoreModel}: every answer
 * is the model's (for concurrent calls, the model's in some order of them; for racing
 * transactions, in some interleaving of their appends, see `playTransactionRace`), and at
 * the end the stored log is the model's log (see `verifyLog`).
 */
export class StorePropertyRunner {
  private runs = 0;
  private last?: { store: EventStore; cursor: GlobalCursor };

  constructor(private readonly subject: PropertySubject) {}

  async check(steps: readonly StepSpec[]): Promise<void> {
    const run = ++this.runs;
    const store = this.subject.storeForRun();
    // On a store used before, this run's part of readAll starts after what is there now.
    const start = this.last?.store === store ? await endOf(store, this.last.cursor) : START_OF_STORE;
    const maker = new CallMaker(`p${run}~`);
    let model = StoreModel.empty(this.subject.maxEventSize);
    const appended: Appended[] = [];
    const transactionOf = new Map<number, string>();
    const raced = new Set<number>();
    for (const [step, spec] of steps.entries()) {
      const played =
        spec.kind === 'calls'
          ? await playCalls(store, spec, maker, model, step)
          : spec.kind === 'transaction'
            ? await playTransaction(store, spec, maker, model, step)
            : await playTransactionRace(store, spec, maker, model, step);
      if (spec.kind === 'race') raced.add(step);
      for (const [call, transaction] of played.transactionOf ?? []) transactionOf.set(call, transaction);
      model = played.model;
      for (const [i, settled] of played.settled.entries()) {
        if (settled.status === 'fulfilled') appended.push({ call: played.calls[i]!, result: settled.value });
      }
    }
    const cursor = await verifyLog(store, model, maker, { appended, start, run, transactionOf, raced });
    this.last = { store, cursor };
  }
}

async function playCalls(
  store: EventStore,
  spec: Extract<StepSpec, { kind: 'calls' }>,
  maker: CallMaker,
  model: StoreModel,
  step: number,
): Promise<Played> {
  const first = maker.made.length;
  const calls = spec.calls.map((call) => maker.make(call, model));
  const settled = await Promise.allSettled(
    calls.map(async (call, i) => {
      for (let n = spec.calls[i]!.yields; n > 0; n--) await new Promise((resolve) => setImmediate(resolve));
      return store.append(call.streamId, call.events, call.options);
    }),
  );
  return { calls, settled, model: explain(model, calls, settled.map(observe), first, step) };
}

/**
 * A transaction's appends, one after the other, each made against the model as the
 * transaction left it so far: each answers as the model does, and the transaction commits
 * all that succeeded, or nothing when its work throws.
 */
async function playTransaction(
  store: EventStore,
  spec: Extract<StepSpec, { kind: 'transaction' }>,
  maker: CallMaker,
  model: StoreModel,
  step: number,
): Promise<Played> {
  const first = maker.made.length;
  const next = model.clone();
  const calls: AppendCall[] = [];
  const predicted: Outcome[] = [];
  const settled: PromiseSettledResult<AppendResult>[] = [];
  const committed = await store
    .transaction(async (tx) => {
      for (const [i, append] of spec.appends.entries()) {
        const call = maker.make(append, next);
        calls.push(call);
        predicted.push(next.apply(call, first + i, step));
        try {
          settled.push({ status: 'fulfilled', value: await tx.append(call.streamId, call.events, call.options) });
        } catch (error) {
          settled.push({ status: 'rejected', reason: error });
          if (spec.onError === 'rethrow') throw error;
        }
      }
      if (spec.abort) throw new RollBack();
    })
    .then(
      () => true,
      (error: unknown) => {
        const last = settled.at(-1);
        if (error instanceof RollBack || (last?.status === 'rejected' && last.reason === error)) return false;
        throw error;
      },
    );
  const observed = settled.map(observe);
  if (!predicted.every((p, i) => agrees(p, observed[i]!))) {
    const described = describeCalls(model, calls, observed, predicted, numbers(first, calls));
    throw new Error(`Step ${step}, a transaction:\n${described}`);
  }
  const commits = !spec.abort && (spec.onError === 'continue' || predicted.every((p) => p.kind === 'appended'));
  expect({ step, committed }).toEqual({ step, committed: commits });
  const transactionOf = new Map(calls.map((_, i) => [first + i, `step ${step}`]));
  return { calls, settled: committed ? settled : [], model: committed ? next : model, transactionOf };
}

/**
 * The model after `calls`, issued together: the model after some order of them in which
 * it answers each call what the store answered (found depth first, issue order first).
 * @throws Error naming the calls and both answers when no order does.
 */
function explain(
  model: StoreModel,
  calls: AppendCall[],
  observed: Observed[],
  first: number,
  step: number,
): StoreModel {
  const search = (state: StoreModel, left: number[]): StoreModel | undefined => {
    if (left.length === 0) return state;
    for (const i of left) {
      const next = state.clone();
      if (!agrees(next.apply(calls[i]!, first + i, step), observed[i]!)) continue;
      const found = search(
        next,
        left.filter((j) => j !== i),
      );
      if (found) return found;
    }
    return undefined;
  };
  // Refusals of bad input do not depend on the log nor change it: they need no place in the order.
  const indexes = calls.map((_, i) => i);
  const refused = indexes.filter((i) => observed[i]!.kind === 'bad-input');
  const probe = model.clone();
  const explained =
    refused.every((i) => agrees(probe.apply(calls[i]!, first + i, step), observed[i]!)) &&
    search(
      model,
      indexes.filter((i) => !refused.includes(i)),
    );
  if (explained) return explained;
  const serial = model.clone();
  const predicted = calls.map((call, i) => serial.apply(call, first + i, step));
  throw new Error(
    `Step ${step}: no order of its ${calls.length} call(s) gives the store's answers.\n` +
      describeCalls(model, calls, observed, predicted, numbers(first, calls)),
  );
}

/** The numbers in the run of calls made one after the other from `first`. */
function numbers(first: number, calls: readonly unknown[]): number[] {
  return calls.map((_, i) => first + i);
}

/** The cursor after the last event the store shows now, reading on from `cursor`. */
async function endOf(store: EventStore, cursor: GlobalCursor): Promise<GlobalCursor> {
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: 1000 });
    if (page.events.length === 0) return cursor;
    cursor = page.cursor;
  }
}
