import type { AppendResult, EventStore } from 'nest-event-sourcing';
import {
  agrees,
  describeCalls,
  isTransactionConflict,
  observe,
  RollBack,
  show,
  type Observed,
  type Played,
} from './store-answers';
import type { CallMaker } from './store-call-maker';
import type { CallSpec, StepSpec, TransactionSpec } from './store-commands';
import type { AppendCall, StoreModel } from './store-model';

// Transactions racing each other (and maybe a single call): their appends interleave, may
// wait for each other (a stream another one wrote, an event id another one holds) and
// may deadlock, when the store rolls one back with TransactionConflictError. The model
// has no deadlocks; it takes such a transaction as one that wrote nothing.

type Race = Extract<StepSpec, { kind: 'race' }>;

/** One transaction of a race, or its single call, as played. */
interface Unit {
  name: string;
  calls: { call: AppendCall; number: number; settled: PromiseSettledResult<AppendResult> }[];
  /** How it ended: its work's appends committed, rolled back, or lost a conflict. */
  end: 'committed' | 'rolled back' | 'conflict';
  /** Set when it ended in a way the spec does not allow. */
  wrong?: string;
}

/**
 * Plays a race and holds it to the model: every answer must be the model's in some
 * interleaving of the appends (each transaction's in its order), where an append sees
 * what committed before it and its own transaction's appends, and a transaction's
 * appends all land when it commits. The store's log must then be the model's.
 */
export async function playTransactionRace(
  store: EventStore,
  spec: Race,
  maker: CallMaker,
  model: StoreModel,
  step: number,
): Promise<Played> {
  maker.startRace();
  const firsts = spec.transactions.map(() => gate());
  const allFirsts = Promise.all(firsts.map((g) => g.promise));
  const units = await Promise.all([
    ...spec.transactions.map((transaction, i) =>
      playTransaction(store, transaction, `transaction ${i}`, { maker, model, step }, async () => {
        if (!spec.crossed) return;
        firsts[i]!.open();
        await allFirsts;
      }),
    ),
    ...spec.calls.map((call, i) => playCall(store, call, `call ${i}`, { maker, model, step })),
  ]);
  const observed = units.map((unit) => unit.calls.map((c) => observe(c.settled)));
  const wrong = units.find((unit, u) => unit.wrong ?? observed[u]!.find(misfit(unit)));
  const explained = wrong ? undefined : explain(model, units, observed, step);
  if (!explained) {
    throw new Error(
      `Step ${step}: no interleaving of its ${units.length} transactions and calls gives the store's answers.\n` +
        units.map((unit, u) => describeUnit(model, unit, observed[u]!)).join('\n'),
    );
  }
  const committed = units.filter((unit) => unit.end === 'committed').flatMap((unit) => unit.calls);
  const transactions = units.slice(0, spec.transactions.length);
  const transactionOf = new Map(
    transactions.flatMap((unit) => unit.calls.map((c) => [c.number, `step ${step} ${unit.name}`] as const)),
  );
  return {
    calls: committed.map((c) => c.call),
    settled: committed.map((c) => c.settled),
    model: explained,
    transactionOf,
  };
}

interface Context {
  maker: CallMaker;
  model: StoreModel;
  step: number;
}

async function playTransaction(
  store: EventStore,
  spec: TransactionSpec,
  name: string,
  { maker, model, step }: Context,
  afterFirst: () => Promise<void>,
): Promise<Unit> {
  const unit: Unit = { name, calls: [], end: 'committed' };
  // Expected versions as this transaction sees the streams: the model before the step, and its own appends.
  const own = model.clone();
  try {
    await store.transaction(async (tx) => {
      for (const [i, append] of spec.appends.entries()) {
        try {
          const { call, number } = await make(append, maker, own);
          // Through an async function: bad input may be refused before the append returns a promise.
          const [settled] = await Promise.allSettled([
            (async () => tx.append(call.streamId, call.events, call.options))(),
          ]);
          unit.calls.push({ call, number, settled });
          if (settled.status === 'fulfilled') own.apply(call, number, step);
          else if (spec.onError === 'rethrow') throw settled.reason;
        } finally {
          if (i === 0) await afterFirst();
        }
      }
      await turns(spec.hold ?? 0);
      if (spec.abort) throw new RollBack();
    });
  } catch (error) {
    const last = unit.calls.at(-1)?.settled;
    const thrown = error instanceof RollBack || (last?.status === 'rejected' && last.reason === error);
    unit.end = isTransactionConflict(error) ? 'conflict' : 'rolled back';
    if (!thrown && unit.end !== 'conflict') unit.wrong = `it failed with ${show(error)}`;
  }
  const failed = unit.calls.some((c) => c.settled.status === 'rejected');
  if (unit.end === 'committed' && (spec.abort || (spec.onError === 'rethrow' && failed))) {
    unit.wrong = 'it committed, though its work threw';
  }
  return unit;
}

async function playCall(store: EventStore, spec: CallSpec, name: string, { maker, model }: Context): Promise<Unit> {
  const { call, number } = await make(spec, maker, model);
  const [settled] = await Promise.allSettled([(async () => store.append(call.streamId, call.events, call.options))()]);
  const end =
    settled.status === 'fulfilled' ? 'committed' : isTransactionConflict(settled.reason) ? 'conflict' : 'rolled back';
  return { name, calls: [{ call, number, settled }], end };
}

/** The call for `spec`, issued after its turns of the event loop, and its number in the run. */
async function make(
  spec: CallSpec,
  maker: CallMaker,
  model: StoreModel,
): Promise<{ call: AppendCall; number: number }> {
  await turns(spec.yields);
  const number = maker.made.length;
  return { call: maker.make(spec, model), number };
}

/** An answer no interleaving can give: an unexpected error, or a lost conflict in a transaction that committed. */
function misfit(unit: Unit): (observed: Observed) => boolean {
  return (observed) => observed.kind === 'unexpected' || (observed.kind === 'conflict' && unit.end === 'committed');
}

/**
 * The model after the race: found depth first over the interleavings of the units'
 * appends and ends (a committed unit's appends land at its end, as they answered), or
 * undefined when none gives every answer.
 */
function explain(model: StoreModel, units: Unit[], observed: Observed[][], step: number): StoreModel | undefined {
  /** Applies a unit's answered appends to `view`, up to `count` of them; false unless each answers again as it did. */
  const replay = (view: StoreModel, u: number, count: number): boolean =>
    units[u]!.calls.slice(0, count).every((c, i) => {
      const answer = observed[u]![i]!;
      return answer.kind !== 'appended' || agrees(view.apply(c.call, c.number, step), answer);
    });
  const dead = new Set<string>();
  const search = (committed: StoreModel, at: number[], ended: boolean[], order: string): StoreModel | undefined => {
    if (ended.every(Boolean)) return committed;
    // What is committed follows from which units committed in which order.
    const key = `${at.join()}|${ended.join()}|${order}`;
    if (dead.has(key)) return undefined;
    for (const [u, unit] of units.entries()) {
      if (ended[u]) continue;
      const i = at[u]!;
      if (i < unit.calls.length) {
        const answer = observed[u]![i]!;
        if (answer.kind !== 'conflict') {
          const view = committed.clone();
          const { call, number } = unit.calls[i]!;
          if (!replay(view, u, i) || !agrees(view.apply(call, number, step), answer)) continue;
        }
        const found = search(committed, at.with(u, i + 1), ended, order);
        if (found) return found;
        continue;
      }
      let next = committed;
      if (unit.end === 'committed') {
        next = committed.clone();
        if (!replay(next, u, unit.calls.length)) continue;
      }
      const found = search(next, at, ended.with(u, true), `${order},${u}`);
      if (found) return found;
    }
    dead.add(key);
    return undefined;
  };
  return search(
    model,
    units.map(() => 0),
    units.map(() => false),
    '',
  );
}

function describeUnit(model: StoreModel, unit: Unit, observed: Observed[]): string {
  const calls = unit.calls.map((c) => c.call);
  const numbers = unit.calls.map((c) => c.number);
  const header = `${unit.name}: ${unit.end}${unit.wrong ? `, wrongly: ${unit.wrong}` : ''}`;
  return `${header}\n${describeCalls(
    model,
    calls,
    observed,
    observed.map(() => 'see the interleavings'),
    numbers,
  )}`;
}

async function turns(count: number): Promise<void> {
  for (let n = count; n > 0; n--) await new Promise((resolve) => setImmediate(resolve));
}

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
