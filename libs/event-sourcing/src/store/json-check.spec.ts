import { checkJsonValue, serializeJson } from './json-check';

describe('checkJsonValue', () => {
  it('accepts what JSON keeps: nested objects, arrays, Dates, null and undefined fields', () => {
    expect(
      checkJsonValue({ a: [1, 'two', null, { b: true }], at: new Date(), gone: undefined }, 'data'),
    ).toBeUndefined();
  });

  it('accepts the same object twice when it is no cycle', () => {
    const shared = { x: 1 };
    expect(checkJsonValue({ a: shared, b: shared }, 'data')).toBeUndefined();
  });

  it.each<[string, unknown, RegExp]>([
    [
      'a cycle',
      (() => {
        const a: unknown[] = [];
        a.push(a);
        return a;
      })(),
      /data\[0\] refers back to itself/,
    ],
    ['Infinity', { n: Infinity }, /data\.n is Infinity/],
    ['a Set', { s: new Set() }, /data\.s is a Set/],
    ['binary data', { b: Buffer.from('x') }, /data\.b is binary data/],
    ['a symbol', { s: Symbol('x') }, /data\.s is a symbol/],
    ['an invalid Date', { at: new Date('x') }, /data\.at is an invalid Date/],
    ['a lone surrogate', { s: '\ud800' }, /lone UTF-16 surrogate/],
    ['a NUL in a key', { ['a\u0000']: 1 }, /key of data contains a NUL/],
  ])('names the path to %s', (_title, value, message) => {
    expect(checkJsonValue(value, 'data')).toMatch(message);
  });
});

describe('serializeJson', () => {
  it('serialises plain values as JSON.stringify does', () => {
    const value = { amount: 42, note: 'x', tags: ['a', null, { deep: [true, 1.5] }], gone: undefined };
    expect(serializeJson(value, 'data')).toEqual({ json: JSON.stringify(value) });
  });

  it('serialises a null-prototype object and one nested deeper than the quick walk goes', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100; i++) deep = { next: deep };
    expect(serializeJson(bare, 'data')).toEqual({ json: '{"a":1}' });
    expect(serializeJson(deep, 'data')).toEqual({ json: JSON.stringify(deep) });
  });

  it('takes Dates and class instances as they serialise', () => {
    class Money {
      constructor(readonly amount: number) {}
    }
    const value = { at: new Date(0), price: new Money(5) };
    expect(serializeJson(value, 'data')).toEqual({ json: JSON.stringify(value) });
  });

  it.each<[string, unknown, RegExp]>([
    ['a function in a plain object', { f: () => 1 }, /data\.f is a function/],
    ['NaN in an array', [1, NaN], /data\[1\] is NaN/],
    ['a NUL in a string', { s: 'a\u0000b' }, /data\.s contains a NUL/],
    ['a lone surrogate in a key', { ['\udc00']: 1 }, /key of data contains a lone UTF-16 surrogate/],
    [
      'a bigint under a null-prototype object',
      Object.assign(Object.create(null) as object, { n: 1n }),
      /data\.n is a bigint/,
    ],
    [
      'a Map inside a class instance',
      new (class Box {
        m = new Map();
      })(),
      /data\.m is a Map/,
    ],
    ['an array whose own toJSON gives NaN', Object.assign([1], { toJSON: () => Number.NaN }), /data is NaN/],
    [
      'a plain object with a hidden toJSON that gives Infinity',
      Object.defineProperty({}, 'toJSON', { value: () => ({ n: Infinity }), enumerable: false }),
      /data\.n is Infinity/,
    ],
    [
      'a proxy that hands out a toJSON giving a Map',
      new Proxy({}, { get: (_target, key) => (key === 'toJSON' ? () => new Map() : undefined) }),
      /data is a Map/,
    ],
    [
      'an Array subclass whose toJSON gives a lone surrogate',
      new (class extends Array {
        toJSON() {
          return '\ud800';
        }
      })(),
      /lone UTF-16 surrogate/,
    ],
    ['a boxed NaN', { amount: new Number(Number.NaN) }, /data\.amount is NaN/],
    ['a boxed string with a NUL', [new String('a\u0000')], /data\[0\] contains a NUL/],
    [
      'a cycle of plain objects',
      (() => {
        const a: Record<string, unknown> = {};
        a.self = { back: a };
        return a;
      })(),
      /data\.self\.back refers back to itself/,
    ],
  ])('names the problem with %s', (_title, value, message) => {
    const result = serializeJson(value, 'data');
    expect(result).not.toHaveProperty('json');
    expect((result as { problem: string }).problem).toMatch(message);
  });
});

// JSON.rawJSON arrived in Node 21; where it exists, what it writes is checked.
const rawJson = (JSON as { rawJSON?: (text: string) => unknown }).rawJSON;
(rawJson ? describe : describe.skip)('serializeJson with JSON.rawJSON', () => {
  it.each<[string, string, RegExp]>([
    ['a NUL', '"\\u0000"', /data\.s contains a NUL/],
    ['a number JSON cannot hold', '1e999', /data\.s is Infinity/],
  ])('names the problem with raw JSON holding %s', (_title, text, message) => {
    const result = serializeJson({ s: rawJson!(text) }, 'data');
    expect((result as { problem: string }).problem).toMatch(message);
  });
});
