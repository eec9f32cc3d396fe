import { checkJsonValue } from './json-check';

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
