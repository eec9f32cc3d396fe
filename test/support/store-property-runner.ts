import { inspect } from 'node:util';
import {
  ConcurrencyError,
  DuplicateEventIdError,
  EventSourcingError,
  START_OF_STORE,
  type AppendResult,
  type EventStore,
  type GlobalCursor,
} from 'nest-event-sourcing';
import { CallMaker } from './store-call-maker';
import type { StepSpec } from './store-commands';
import { verifyLog, type Appended } from './store-log-check';
import { StoreModel, type AppendCall, type BadInputCode, type Outcome } from './store-model';

/** A store the properties run against. */
export interface PropertySubject {
  /** The store for the next run: a new one, or the same one again (each run has streams of its own). */
  storeForRun(): EventStore;
  /** The store's `maxEventSize`, in bytes. */
  maxEventSize: number;
  close?: () => Promise<void>;
}

/** What a store answered, in the model's terms; `unexpected` for anything but a coded library error. */
type Observed = Outcome | { kind: 'unexpected'; error: string };

const BAD_INPUT_CODES: readonly string[] = [
  'ES_INVALID_STREAM_ID',
  'ES_INVALID_EXPECTED_VERSION',
  'ES_INVALID_EVENT',
  'ES_EVENT_TOO_LARGE',
] satisfies BadInputCode[];

/** Thrown by a transaction's work to roll it back. */
class RollBack extends Error {}

/** One step played: the calls made, what the store answered, and the model after it. */
interface Played {
  calls: AppendCall[];
  settled: PromiseSettledResult<AppendResult>[];
  model: StoreModel;
}

/**
 * Plays generated steps against a store and holds it to {@link StoreModel}: every answer
 * is the model's (for concurrent calls, the model's in some order of them), and at the
 * end the stored log is the model's log (see `verifyLog`).
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
    const transactions = new Set<number>();
    for (const [step, spec] of steps.entries()) {
      const played =
        spec.kind === 'calls'
          ? await playCalls(store, spec, maker, model, step)
          : await playTransaction(store, spec, maker, model, step);
      if (spec.kind === 'transaction') transactions.add(step);
      model = played.model;
      for (const [i, settled] of played.settled.entries()) {
        if (settled.status === 'fulfilled') appended.push({ call: played.calls[i]!, result: settled.value });
      }
    }
    const cursor = await verifyLog(store, model, maker, { appended, start, run, transactions });
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
    throw new Error(`Step ${step}, a transaction:\n${describe(model, calls, observed, predicted, first)}`);
  }
  const commits = !spec.abort && (spec.onError === 'continue' || predicted.every((p) => p.kind === 'appended'));
  expect({ step, committed }).toEqual({ step, committed: commits });
  return { calls, settled: committed ? settled : [], model: committed ? next : model };
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
      describe(model, calls, observed, predicted, first),
  );
}

function describe(
  model: StoreModel,
  calls: AppendCall[],
  observed: Observed[],
  predicted: Outcome[],
  first: number,
): string {
  const show = (value: unknown): string => inspect(value, { depth: 6, maxStringLength: 80, breakLength: 120 });
  const lines = calls.map(
    (call, i) =>
      `  call ${first + i}: ${show(call)}\n    store: ${show(observed[i])}\n    model, in issue order: ${show(predicted[i])}`,
  );
  const versions = new Map(calls.map((c) => [c.streamId, model.version(c.streamId)]));
  return `${lines.join('\n')}\n  stream versions before the step: ${show(versions)}`;
}

function agrees(predicted: Outcome, observed: Observed): boolean {
  if (predicted.kind === 'bad-input')
    return observed.kind === 'bad-input' && predicted.codes.includes(observed.codes[0]!);
  return JSON.stringify(predicted) === JSON.stringify(observed);
}

function observe(settled: PromiseSettledResult<AppendResult>): Observed {
  if (settled.status === 'fulfilled') {
    const { streamVersion, written } = settled.value;
    return { kind: 'appended', streamVersion, written };
  }
  const error: unknown = settled.reason;
  // Field by field, in the model's key order, so that answers compare as JSON.
  if (error instanceof ConcurrencyError && error.code === 'ES_CONCURRENCY') {
    return { kind: 'concurrency', streamId: error.streamId, expected: error.expected, actual: error.actual };
  }
  if (error instanceof DuplicateEventIdError && error.code === 'ES_DUPLICATE_EVENT_ID') {
    return { kind: 'duplicate', streamId: error.streamId, eventId: error.eventId };
  }
  if (error instanceof EventSourcingError && BAD_INPUT_CODES.includes(error.code) && error.message.length > 20) {
    return { kind: 'bad-input', codes: [error.code as BadInputCode] };
  }
  return { kind: 'unexpected', error: inspect(error) };
}

/** The cursor after the last event the store shows now, reading on from `cursor`. */
async function endOf(store: EventStore, cursor: GlobalCursor): Promise<GlobalCursor> {
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: 1000 });
    if (page.events.length === 0) return cursor;
    cursor = page.cursor;
  }
}
