import fc from 'fast-check';
import { eventData, eventMetadata, eventRevision, eventType } from './store-payloads';

// What the property tests generate: plain data that fast-check can shrink, turned into
// real appends (fresh UUIDs, the run's stream prefix) only when a run plays it
// (`CallMaker`).

/**
 * Stream names of a run, each given the run's prefix: unicode, names that only Unicode
 * normalisation, case or a space tell apart, and one filling 255 characters (the last).
 */
export const STREAM_NAMES = [
  ...['a', 'a-1', 'ü-ñ', '😀-stream', 'שלום-1', 'e\u0301', '\u00e9', 'A', 'a ', 'x\u2028y', ' padded '],
  'long-',
];

/** Stream ids every store must refuse: blank, NUL, a lone surrogate, 256 characters. */
const BAD_STREAM_IDS = ['', '   ', 'a\u0000b', 'x\ud800', 'y'.repeat(256)];

/**
 * Where an event's id comes from: a slot of the run's few ids (so ids repeat across
 * calls), a slot of the race's few ids (new in each race, so that its transactions hold
 * them pending while others try them), the id of the batch's first event (a repeat
 * within the batch), a fresh one, the store, or a bad one.
 */
export type IdPick =
  | { kind: 'slot'; slot: number; upper: boolean }
  | { kind: 'shared'; slot: number; upper: boolean }
  | { kind: 'first'; upper: boolean }
  | { kind: 'fresh' }
  | { kind: 'omitted' }
  | { kind: 'malformed'; text: string };

const idPick: fc.Arbitrary<IdPick> = fc.oneof(
  { weight: 40, arbitrary: fc.record({ kind: fc.constant('slot'), slot: fc.nat(7), upper: fc.boolean() }) },
  { weight: 20, arbitrary: fc.constant({ kind: 'fresh' as const }) },
  { weight: 6, arbitrary: fc.constant({ kind: 'omitted' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('first'), upper: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('malformed'),
      text: fc.constantFrom(
        'not-a-uuid',
        '',
        '0123456789abcdef0123456789abcdef',
        'g0000000-0000-0000-0000-000000000000',
      ),
    }),
  },
);

/** In a race: often one of its own new ids. */
const raceIdPick: fc.Arbitrary<IdPick> = fc.oneof(
  { weight: 1, arbitrary: idPick },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shared'), slot: fc.nat(5), upper: fc.boolean() }) },
);

export interface EventSpec {
  id: IdPick;
  type: string;
  revision: number | undefined;
  data: unknown;
  metadata: Record<string, unknown> | undefined;
}

const eventSpecWith = (id: fc.Arbitrary<IdPick>): fc.Arbitrary<EventSpec> =>
  fc.record({ id, type: eventType, revision: eventRevision, data: eventData, metadata: eventMetadata });
const eventSpec = eventSpecWith(idPick);
const raceEventSpec = eventSpecWith(raceIdPick);

/** The expected version of an append; `current` is the model's version of the stream when the step starts, plus `delta`. */
export type ExpectedPick = { kind: 'omitted' } | { kind: 'given'; value: unknown } | { kind: 'current'; delta: number };

const expectedPick: fc.Arbitrary<ExpectedPick> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'omitted' as const }) },
  {
    weight: 12,
    arbitrary: fc.record({ kind: fc.constant('given'), value: fc.constantFrom('any', 'no_stream', 'stream_exists') }),
  },
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('current'), delta: fc.constantFrom(0, 0, 0, -1, 1) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('given'), value: fc.nat(4) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('given'), value: fc.constantFrom(-1, 1.5, 'latest', null, NaN) }),
  },
);
/** Mostly an expected version that lets the append write, so that it takes its stream's lock. */
const writingExpected: fc.Arbitrary<ExpectedPick> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'omitted' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'given' as const, value: 'any' }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'current' as const, delta: 0 }) },
  { weight: 1, arbitrary: expectedPick },
);
/** A retry mostly keeps the first try's expected version, as a real retry does. */
const retryExpected = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: expectedPick },
);

/** One call of a step: a new append, or a retry of an earlier call (its very events), maybe expecting something else. */
export type CallSpec =
  | { kind: 'append'; stream: number | string; events: EventSpec[]; expected: ExpectedPick; yields: number }
  | { kind: 'retry'; of: number; expected: ExpectedPick | undefined; yields: number };

/** Slot ids repeat within a batch only through `first`: that is a refusal, and rarer. */
function sameSlot(a: EventSpec, b: EventSpec): boolean {
  return (a.id.kind === 'slot' || a.id.kind === 'shared') && a.id.kind === b.id.kind && a.id.slot === b.id.slot;
}

const stream = fc.oneof(
  { weight: 16, arbitrary: fc.nat(2) },
  { weight: 8, arbitrary: fc.nat(STREAM_NAMES.length - 1) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_STREAM_IDS) },
);
/** Turns of the event loop a call waits before it is issued, so that concurrent calls interleave differently. */
const yields = fc.nat(3);

const callSpecWith = (events: fc.Arbitrary<EventSpec>, expected: fc.Arbitrary<ExpectedPick>): fc.Arbitrary<CallSpec> =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('append' as const),
        stream,
        events: fc.uniqueArray(events, { minLength: 1, maxLength: 3, comparator: sameSlot }),
        expected,
        yields,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('retry' as const), of: fc.nat(), expected: retryExpected, yields }),
    },
  );
const callSpec = callSpecWith(eventSpec, expectedPick);

/**
 * Single events on distinct streams, each after the version it last saw, as aggregates
 * are saved, once the streams have events: what the PostgreSQL store may send in one
 * statement (group commit). Two steps: the streams get an event each, then the fan-out.
 */
const fanOut: fc.Arbitrary<CallSpec[][]> = fc
  .uniqueArray(fc.nat(STREAM_NAMES.length - 1), { minLength: 2, maxLength: 6 })
  .chain((streams) => {
    const oneEach = (expected: ExpectedPick): fc.Arbitrary<CallSpec[]> =>
      fc.tuple(
        ...streams.map((stream) =>
          fc.record({
            kind: fc.constant('append' as const),
            stream: fc.constant(stream),
            events: eventSpec.map((e) => [e]),
            expected: fc.constant(expected),
            yields,
          }),
        ),
      );
    return fc.tuple(oneEach({ kind: 'given', value: 'any' }), oneEach({ kind: 'current', delta: 0 }));
  });

/**
 * A transaction of appends: its work rethrows an append's error (everything rolls back)
 * or goes on without it, and may throw at the end (everything rolls back). In a race it
 * then waits `hold` turns of the event loop before it ends, holding its streams and
 * pending event ids while the others go on.
 */
export interface TransactionSpec {
  appends: CallSpec[];
  onError: 'rethrow' | 'continue';
  abort: boolean;
  hold?: number;
}

/**
 * A step: calls issued together (one, or several racing), one transaction of appends
 * alone (its answers predicted exactly), or a race of transactions and maybe a call.
 * In a `crossed` race every transaction first appends to a stream of its own, then all
 * wait until each has, then each appends to the next one's stream: opposite lock orders,
 * so a deadlock unless an append fails first.
 */
export type StepSpec =
  | { kind: 'calls'; calls: CallSpec[] }
  | ({ kind: 'transaction' } & TransactionSpec)
  | { kind: 'race'; transactions: TransactionSpec[]; calls: CallSpec[]; crossed: boolean };

const onError = fc.constantFrom<TransactionSpec['onError']>('rethrow', 'continue');
const abort = fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

const transactionSpec: fc.Arbitrary<TransactionSpec> = fc.record({
  appends: fc.array(callSpec, { minLength: 1, maxLength: 3 }),
  onError,
  abort,
});

const transaction: fc.Arbitrary<StepSpec> = transactionSpec.map((spec) => ({ kind: 'transaction', ...spec }));

/** Transactions (and maybe a call) racing, their appends interleaved by their `yields` and `hold`. */
const race: fc.Arbitrary<StepSpec> = fc.record({
  kind: fc.constant('race'),
  transactions: fc.array(
    fc.record({
      appends: fc.array(callSpecWith(raceEventSpec, writingExpected), { minLength: 1, maxLength: 3 }),
      onError,
      abort,
      hold: fc.nat(4),
    }),
    { minLength: 2, maxLength: 3 },
  ),
  calls: fc.array(callSpecWith(raceEventSpec, writingExpected), { maxLength: 1 }),
  crossed: fc.constant(false),
});

/**
 * The first append of transaction `i` of a crossed race. It must not wait for another
 * transaction of the race (they all wait for it), so its ids are fresh, the store's, or
 * a race slot only it uses there; later appends of the others may take that slot's id.
 */
const firstOfCrossed = (stream: number, i: number): fc.Arbitrary<CallSpec> =>
  fc.record({
    kind: fc.constant('append' as const),
    stream: fc.constant(stream),
    events: fc.uniqueArray(
      fc.record({
        id: fc.oneof(
          fc.constant<IdPick>({ kind: 'fresh' }),
          fc.constant<IdPick>({ kind: 'omitted' }),
          fc.boolean().map<IdPick>((upper) => ({ kind: 'shared', slot: 3 + i, upper })),
        ),
        type: eventType,
        revision: eventRevision,
        data: eventData,
        metadata: eventMetadata,
      }),
      { minLength: 1, maxLength: 2, comparator: sameSlot },
    ),
    expected: writingExpected,
    yields,
  });

/** Transaction `i` of a crossed race: its own stream, then the next one's, then maybe anything. */
const crossedTransaction = (own: number, next: number, i: number): fc.Arbitrary<TransactionSpec> =>
  fc.record({
    appends: fc
      .tuple(
        firstOfCrossed(own, i),
        fc.oneof(
          {
            weight: 3,
            arbitrary: fc.record({
              kind: fc.constant('append' as const),
              stream: fc.constant(next),
              events: fc.uniqueArray(raceEventSpec, { minLength: 1, maxLength: 3, comparator: sameSlot }),
              expected: writingExpected,
              yields,
            }),
          },
          {
            weight: 1,
            arbitrary: fc.record({
              kind: fc.constant('retry' as const),
              of: fc.nat(),
              expected: retryExpected,
              yields,
            }),
          },
        ),
        fc.array(callSpecWith(raceEventSpec, writingExpected), { maxLength: 1 }),
      )
      .map(([first, second, rest]) => [first, second, ...rest]),
    onError,
    abort,
  });

/** Two or three transactions locking streams in a cycle: each its own stream first, then the next one's. */
const crossed: fc.Arbitrary<StepSpec> = fc
  .shuffledSubarray([0, 1, 2], { minLength: 2, maxLength: 3 })
  .chain((streams) =>
    fc.tuple(...streams.map((own, i) => crossedTransaction(own, streams[(i + 1) % streams.length]!, i))),
  )
  .map((transactions) => ({ kind: 'race', transactions, calls: [], crossed: true }));

const calls = (group: CallSpec[]): StepSpec => ({ kind: 'calls', calls: group });

/** The steps of one run. */
export const steps: fc.Arbitrary<StepSpec[]> = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: callSpec.map((call) => [calls([call])]) },
      { weight: 4, arbitrary: fc.array(callSpec, { minLength: 2, maxLength: 6 }).map((race) => [calls(race)]) },
      { weight: 2, arbitrary: fanOut.map((both) => both.map(calls)) },
      { weight: 1, arbitrary: transaction.map((step) => [step]) },
      { weight: 2, arbitrary: race.map((step) => [step]) },
      { weight: 2, arbitrary: crossed.map((step) => [step]) },
    ),
    { minLength: 1, maxLength: 10 },
  )
  .map((groups) => groups.flat());
