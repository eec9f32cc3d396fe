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
    { statement: 'first', expected: 0, joinable: false, lane: true },
  ],
  [
    'a new stream (no_stream)',
    { expectedVersion: 'no_stream', eventCount: 5 },
    ALL_ON,
    { statement: 'first', expected: 0, joinable: false, lane: true },
  ],
  ['any', { expectedVersion: 'any' }, ALL_ON, { statement: 'atEnd', expected: null, joinable: false, lane: true }],
  [
    'stream_exists',
    { expectedVersion: 'stream_exists' },
    ALL_ON,
    { statement: 'atEnd', expected: 1, joinable: false, lane: true },
  ],
  // One event after a number: the hot path.
  ['one event, version unknown', {}, ALL_ON, { statement: 'nextOne', expected: 3, joinable: true, lane: true }],
  [
    'one event, version known',
    { known: true },
    ALL_ON,
    { statement: 'nextOneKnown', expected: 3, joinable: true, lane: true },
  ],
  [
    'one event in a transaction',
    { inTransaction: true, known: true },
    ALL_ON,
    { statement: 'nextOneKnown', expected: 3, joinable: false, lane: false },
  ],
  [
    'several events, version unknown',
    { eventCount: 100 },
    ALL_ON,
    { statement: 'next', expected: 3, joinable: false, lane: true },
  ],
  [
    'several events, version known',
    { eventCount: 2, known: true },
    ALL_ON,
    { statement: 'nextKnown', expected: 3, joinable: false, lane: true },
  ],
  [
    'several events in a transaction',
    { eventCount: 2, inTransaction: true },
    ALL_ON,
    { statement: 'next', expected: 3, joinable: false, lane: false },
  ],
  // Switches off.
  [
    'known versions off',
    { known: true },
    off('knownVersions'),
    { statement: 'nextOne', expected: 3, joinable: true, lane: true },
  ],
  [
    'known versions off, several',
    { known: true, eventCount: 3 },
    off('knownVersions'),
    { statement: 'next', expected: 3, joinable: false, lane: true },
  ],
  ['stream lanes off', {}, off('streamLanes'), { statement: 'nextOne', expected: 3, joinable: true, lane: false }],
  [
    'stream lanes off, new stream',
    { expectedVersion: 0 },
    off('streamLanes'),
    { statement: 'first', expected: 0, joinable: false, lane: false },
  ],
  [
    'text rows off changes no plan',
    { known: true },
    off('textRows'),
    { statement: 'nextOneKnown', expected: 3, joinable: true, lane: true },
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
