import fc from 'fast-check';

// The contents of generated events: types, revisions, data and metadata, mostly good and
// full of text that JSON, PostgreSQL and UTF-8 each treat in their own way; now and then
// something the store must refuse with a coded error, writing nothing.

/** Text every store must keep as it is. */
const EDGE_TEXT = [
  ...['\u2028', '\u2029', '😀', '👩‍👩‍👧', '🏳️‍🌈', 'e\u0301', 'a\u0308\u0323', 'שלום', 'مرحبا', '\u202e', '\u200f'],
  ...['\u200b', '\ufeff', '\uffff', '\u{10ffff}', '\u{1d7d8}', 'ﬁ', 'İ', '\u00a0', '\u0085', '"', '\\', '/', '\n'],
  ...['\t', '\u0001', '\u001f', '\u007f', '\\u0000', '$1', "'", '%', '{}', '[', '\r\n'],
];
/** Text `jsonb` cannot hold: NUL and lone surrogates. */
const BAD_TEXT = ['\u0000', 'a\u0000', '\ud800', '\udfff', 'x\ud83d'];

const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_TEXT) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const text = fc.string({ unit, maxLength: 6 });
const json = fc.jsonValue({ stringUnit: unit, maxDepth: 3, depthSize: 'small' });

/** A JSON value with one string `jsonb` refuses, as a value or as a key. */
const badJson = fc
  .tuple(json, fc.constantFrom(...BAD_TEXT), fc.boolean())
  .map(([value, bad, asKey]) => (asKey ? { [bad]: value } : [value, { k: bad }]));

export const eventData: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 60, arbitrary: json },
  { weight: 1, arbitrary: badJson },
  { weight: 1, arbitrary: fc.constant('x'.repeat(70_000)) }, // over every subject's maxEventSize
);

export const eventMetadata: fc.Arbitrary<Record<string, unknown> | undefined> = fc.option(
  fc.oneof(
    { weight: 60, arbitrary: fc.record({ correlationId: text, note: json }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.record({ causationId: fc.integer() }) },
    { weight: 1, arbitrary: badJson.map((bad) => ({ bad })) },
  ),
  { nil: undefined, freq: 2 },
);

export const eventType: fc.Arbitrary<string> = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom('prop.happened', 'prop.ünïcode', 'prop.😀', 'אירוע', 'x\u2028y') },
  { weight: 20, arbitrary: text.map((t) => `t.${t}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '  ', 'a\u0000', '\ud800', 'x'.repeat(201)) },
);

export const eventRevision: fc.Arbitrary<number | undefined> = fc.oneof(
  { weight: 60, arbitrary: fc.constantFrom(undefined, 1, 2, 2_147_483_647) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1.5, 2_147_483_648) },
);
