import { InvalidQueryError } from '../errors/invalid-query-error';
import { normalizeQuery, timeBound } from './event-query';

describe('timeBound', () => {
  it.each([
    ['3 days', 3 * 86_400_000],
    ['2 weeks', 14 * 86_400_000],
    ['day', 86_400_000],
    ['week', 7 * 86_400_000],
    ['1h30m', 90 * 60_000],
    ['90 minutes', 90 * 60_000],
  ])('reads %j as that long ago', (text, ms) => {
    expect(timeBound('since', text)).toEqual({ agoMs: ms });
  });

  it('keeps a Date as an absolute bound', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(timeBound('since', at)).toEqual({ at });
  });

  it.each(['three fortnights', 'soon', '', '   ', '-3 days'])(
    'rejects %j rather than reading it as everything',
    (text) => {
      expect(() => timeBound('since', text)).toThrow(InvalidQueryError);
    },
  );
});

describe('normalizeQuery', () => {
  it('defaults to newest first and 100 events', () => {
    expect(normalizeQuery()).toEqual({
      filters: [{ types: [], streams: [], streamTypes: [], tags: [] }],
      limit: 100,
      order: 'newest-first',
    });
  });

  it('keeps each filter of any apart, to be ORed', () => {
    const query = normalizeQuery({ any: [{ types: ['a'] }, { streams: ['s-1'], fromVersion: 2 }], limit: null });
    expect(query.limit).toBeNull();
    expect(query.filters).toEqual([
      { types: ['a'], streams: [], streamTypes: [], tags: [] },
      { types: [], streams: ['s-1'], streamTypes: [], tags: [], fromVersion: 2 },
    ]);
  });

  it('names the option at fault', () => {
    expect(() => normalizeQuery({ types: 'bank.opened' as never })).toThrow(/Invalid types "bank.opened"/);
    expect(() => normalizeQuery({ any: [{ limit: 3 } as never] })).toThrow(/Invalid limit 3: unknown option/);
    expect(() => normalizeQuery({ order: 'random' as never })).toThrow(/Invalid order/);
  });
});
