import { InvalidQueryError } from '../errors/invalid-query-error';
import { normalizeQuery } from '../store/event-query';
import { toEventQuery } from './operator-event-query';

describe('toEventQuery', () => {
  it("renames the operator's filters to the store's and keeps paging", () => {
    expect(
      toEventQuery({ type: ['a'], stream: ['s'], streamType: ['t'], fromVersion: 2, limit: 5, order: 'oldest-first' }),
    ).toEqual({ types: ['a'], streams: ['s'], streamTypes: ['t'], fromVersion: 2, limit: 5, order: 'oldest-first' });
  });

  it('reads an ISO 8601 time as a Date and leaves a duration to the store', () => {
    const query = toEventQuery({ since: '2024-05-01T10:00:00Z', until: '3 days' }) as { since: Date; until: string };
    expect(query.since).toEqual(new Date('2024-05-01T10:00:00Z'));
    expect(query.until).toBe('3 days');
  });

  it('ORs the groups of any, each with the filters outside it, positions from digits', () => {
    const query = toEventQuery({
      since: '1 day',
      any: JSON.stringify([{ type: 'a' }, { stream: ['s'], fromPosition: '12' }]),
      limit: 10,
    });
    expect(query).toEqual({
      any: [
        { since: '1 day', types: ['a'] },
        { since: '1 day', streams: ['s'], fromPosition: 12n },
      ],
      limit: 10,
      order: undefined,
    });
    expect(() => normalizeQuery(query)).not.toThrow();
  });

  it.each([
    ['no JSON', '{nope'],
    ['no array', '{"type":"a"}'],
    ['an empty array', '[]'],
    ['a group that is no object', '["a"]'],
    ['an unknown key', '[{"colour":"red"}]'],
    ['a prototype key', '[{"__proto__":{"x":1}}]'],
    ['more than 20 groups', JSON.stringify(Array.from({ length: 21 }, () => ({ type: 'a' })))],
  ])('refuses any with %s as ES_INVALID_QUERY', (_name, any) => {
    expect(() => toEventQuery({ any })).toThrow(InvalidQueryError);
  });

  it('refuses a key given both in a group and outside it', () => {
    expect(() => toEventQuery({ type: ['a'], any: '[{"type":"b"}]' })).toThrow(/give it once/);
  });
});
