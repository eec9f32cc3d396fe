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
 * calls), the id of the batch's first event (a repeat within the batch), a fresh one, the
 * store, or a bad one.
 */
export type IdPick =
  | { kind: 'slot'; slot: number; upper: boolean }
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

export interface EventSpec {
  id: IdPick;
  type: string;
  revision: number | undefined;
  data: unknown;
  metadata: Record<string, unknown> | undefined;
}

const eventSpec: fc.Arbitrary<EventSpec> = fc.record({
  id: idPick,
  type: eventType,
  revision: eventRevision,
  data: eventData,
  metadata: eventMetadata,
});

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
  return a.id.kind === 'slot' && b.id.kind === 'slot' && a.id.slot === b.id.slot;
}

const stream = fc.oneof(
  { weight: 16, arbitrary: fc.nat(2) },
  { weight: 8, arbitrary: fc.nat(STREAM_NAMES.length - 1) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_STREAM_IDS) },
);
/** Turns of the event loop a call waits before it is issued, so that concurrent calls interleave differently. */
const yields = fc.nat(3);

const callSpec: fc.Arbitrary<CallSpec> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('append'),
      stream,
      events: fc.uniqueArray(eventSpec, { minLength: 1, maxLength: 3, comparator: sameSlot }),
      expected: expectedPick,
      yields,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('retry'), of: fc.nat(), expected: retryExpected, yields }),
  },
);

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

/** A step: calls issued together (one, or several racing), or one transaction of appends, alone. */
export type StepSpec =
  | { kind: 'calls'; calls: CallSpec[] }
  | { kind: 'transaction'; appends: CallSpec[]; onError: 'rethrow' | 'continue'; abort: boolean };

/**
 * A transaction of appends: its work rethrows an append's error (everything rolls back)
 * or goes on without it, and may throw at the end (everything rolls back). Run alone:
 * concurrent transactions can deadlock, and the stores then part ways (PostgreSQL fails
 * one with its own error, the in-memory store waits forever), as they do when an id is
 * pending in a transaction that later rolls back (in memory a DuplicateEventIdError at
 * once; PostgreSQL waits for the outcome).
 */
const transaction: fc.Arbitrary<StepSpec> = fc.record({
  kind: fc.constant('transaction'),
  appends: fc.array(callSpec, { minLength: 1, maxLength: 3 }),
  onError: fc.constantFrom('rethrow', 'continue'),
  abort: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const calls = (group: CallSpec[]): StepSpec => ({ kind: 'calls', calls: group });

/** The steps of one run. */
export const steps: fc.Arbitrary<StepSpec[]> = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: callSpec.map((call) => [calls([call])]) },
      { weight: 4, arbitrary: fc.array(callSpec, { minLength: 2, maxLength: 6 }).map((race) => [calls(race)]) },
      { weight: 2, arbitrary: fanOut.map((both) => both.map(calls)) },
      { weight: 1, arbitrary: transaction.map((step) => [step]) },
    ),
    { minLength: 1, maxLength: 10 },
  )
  .map((groups) => groups.flat());
