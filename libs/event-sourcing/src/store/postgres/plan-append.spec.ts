import { DEFAULT_WRITE_PATH, type WritePathSwitches } from '../../options/write-path-options';
import { planAppend, type AppendFacts, type AppendPlan } from './plan-append';

// The append path's one decision, case by case: what an append expects and what the
// process knows, against the statement it runs and the mechanisms it goes through.
const facts = (overrides: Partial<AppendFacts>): AppendFacts => ({
  expectedVersion: 3,
  eventCount: 1,
  known: false,
  inTransaction: false,
  ...overrides,
});
const off = (...names: (keyof WritePathSwitches)[]): WritePathSwitches =>
  Object.fromEntries(
    Object.entries(DEFAULT_WRITE_PATH).map(([k, v]) => [k, names.includes(k as never) ? false : v]),
  ) as WritePathSwitches;

type Case = [string, Partial<AppendFacts>, WritePathSwitches, AppendPlan];
const ALL_ON = DEFAULT_WRITE_PATH;

const CASES: Case[] = [
  // Expected version: the statement family.
  [
    'a new stream (0)',
    { expectedVersion: 0 },
    ALL_ON,
    { statement: 'first', expected: 0, joinable: false, lane: true, guard: 'none', transaction: false },
  ],
  [
    'a new stream (no_stream)',
    { expectedVersion: 'no_stream', eventCount: 5 },
    ALL_ON,
    { statement: 'first', expected: 0, joinable: false, lane: true, guard: 'none', transaction: false },
  ],
  [
    'any',
    { expectedVersion: 'any' },
    ALL_ON,
    { statement: 'atEnd', expected: null, joinable: false, lane: true, guard: 'none', transaction: false },
  ],
  [
    'stream_exists',
    { expectedVersion: 'stream_exists' },
    ALL_ON,
    { statement: 'atEnd', expected: 1, joinable: false, lane: true, guard: 'none', transaction: false },
  ],
  // One event after a number: the hot path.
  [
    'one event, version unknown',
    {},
    ALL_ON,
    { statement: 'nextOne', expected: 3, joinable: true, lane: true, guard: 'none', transaction: false },
  ],
  [
    'one event, version known',
    { known: true },
    ALL_ON,
    { statement: 'nextOneKnown', expected: 3, joinable: true, lane: true, guard: 'none', transaction: false },
  ],
  [
    'one event in a transaction',
    { inTransaction: true, known: true },
    ALL_ON,
    { statement: 'nextOneKnown', expected: 3, joinable: false, lane: false, guard: 'none', transaction: false },
  ],
  [
    'several events, version unknown',
    { eventCount: 100 },
    ALL_ON,
    { statement: 'next', expected: 3, joinable: false, lane: true, guard: 'none', transaction: false },
  ],
  [
    'several events, version known',
    { eventCount: 2, known: true },
    ALL_ON,
    { statement: 'nextKnown', expected: 3, joinable: false, lane: true, guard: 'none', transaction: false },
  ],
  [
    'several events in a transaction',
    { eventCount: 2, inTransaction: true },
    ALL_ON,
    { statement: 'next', expected: 3, joinable: false, lane: false, guard: 'none', transaction: false },
  ],
  // Switches off.
  [
    'known versions off',
    { known: true },
    off('knownVersions'),
    { statement: 'nextOne', expected: 3, joinable: true, lane: true, guard: 'none', transaction: false },
  ],
  [
    'known versions off, several',
    { known: true, eventCount: 3 },
    off('knownVersions'),
    { statement: 'next', expected: 3, joinable: false, lane: true, guard: 'none', transaction: false },
  ],
  [
    'stream lanes off',
    {},
    off('streamLanes'),
    { statement: 'nextOne', expected: 3, joinable: true, lane: false, guard: 'none', transaction: false },
  ],
  [
    'stream lanes off, new stream',
    { expectedVersion: 0 },
    off('streamLanes'),
    { statement: 'first', expected: 0, joinable: false, lane: false, guard: 'none', transaction: false },
  ],
  [
    'text rows off changes no plan',
    { known: true },
    off('textRows'),
    { statement: 'nextOneKnown', expected: 3, joinable: true, lane: true, guard: 'none', transaction: false },
  ],
  // Tagged and conditional appends: the tagged statements, guarded, never joined.
  [
    'one tagged event, version unknown',
    { tagged: true },
    ALL_ON,
    { statement: 'nextOne', expected: 3, joinable: false, lane: true, guard: 'inline', transaction: false },
  ],
  [
    'one tagged event, version known',
    { tagged: true, known: true },
    ALL_ON,
    { statement: 'nextOneKnown', expected: 3, joinable: false, lane: true, guard: 'inline', transaction: false },
  ],
  [
    'tagged events of a new stream',
    { tagged: true, expectedVersion: 0, eventCount: 2 },
    ALL_ON,
    { statement: 'first', expected: 0, joinable: false, lane: true, guard: 'inline', transaction: false },
  ],
  [
    'a condition on tags, any version',
    { condition: 'tags', expectedVersion: 'any' },
    ALL_ON,
    { statement: 'atEnd', expected: null, joinable: false, lane: true, guard: 'inline', transaction: false },
  ],
  [
    'a condition on tags, untagged events',
    { condition: 'tags' },
    ALL_ON,
    { statement: 'nextOne', expected: 3, joinable: false, lane: true, guard: 'inline', transaction: false },
  ],
  [
    'a condition on types alone: the guard before, in a transaction of its own',
    { condition: 'table', tagged: true },
    ALL_ON,
    { statement: 'nextOne', expected: 3, joinable: false, lane: true, guard: 'before', transaction: true },
  ],
  [
    "a condition on types alone in a caller's transaction",
    { condition: 'table', inTransaction: true },
    ALL_ON,
    { statement: 'nextOne', expected: 3, joinable: false, lane: false, guard: 'before', transaction: false },
  ],
  [
    'untagged, no condition: the plain statement, unchanged',
    { tagged: false, condition: 'none', known: true },
    ALL_ON,
    { statement: 'nextOneKnown', expected: 3, joinable: true, lane: true, guard: 'none', transaction: false },
  ],
];

describe('planAppend', () => {
  it.each(CASES)('%s', (_title, given, switches, expected) => {
    expect(planAppend(facts(given), switches)).toEqual(expected);
  });

  it('covers every statement of the single append', () => {
    const planned = new Set(CASES.map(([, given, switches]) => planAppend(facts(given), switches).statement));
    expect([...planned].sort()).toEqual(['atEnd', 'first', 'next', 'nextKnown', 'nextOne', 'nextOneKnown']);
  });
});
