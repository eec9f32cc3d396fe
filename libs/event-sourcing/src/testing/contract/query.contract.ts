import type { EventEnvelope } from '../../events/event-envelope';
import type { ContractContext } from './contract-context';

/** Part of the store contract; see `describeEventStoreContract`. @internal */
export function describeQueryContract(ctx: ContractContext): void {
  const { stream, events } = ctx;
  describe('queryEvents', () => {
    let a: string;
    let b: string;
    let firstPosition: bigint;
    beforeAll(async () => {
      a = stream('query');
      b = stream('query');
      const first = await ctx.store.append(a, [
        { type: 'query.opened', data: {}, metadata: { correlationId: `corr-${a}` } },
        { type: 'query.changed', data: {} },
        { type: 'query.changed', data: {} },
      ]);
      firstPosition = first.position - 2n;
      await ctx.store.append(
        b,
        [
          { type: 'query.opened', data: {} },
          { type: 'query.closed', data: {} },
        ],
        { streamType: 'closable' },
      );
    });

    const ids = (found: EventEnvelope[]): string[] => found.map((e) => `${e.streamId === a ? 'a' : 'b'}${e.version}`);

    it('filters by stream and type, newest first by default', async () => {
      expect(ids(await ctx.store.queryEvents({ streams: [a, b], types: ['query.opened'] }))).toEqual(['b1', 'a1']);
      expect(ids(await ctx.store.queryEvents({ streams: [a], order: 'oldest-first' }))).toEqual(['a1', 'a2', 'a3']);
    });

    it('filters by version and position ranges, stream type and correlation id', async () => {
      expect(ids(await ctx.store.queryEvents({ streams: [a, b], fromVersion: 2, toVersion: 2 }))).toEqual(['b2', 'a2']);
      expect(
        ids(
          await ctx.store.queryEvents({
            streams: [a, b],
            fromPosition: firstPosition + 1n,
            toPosition: firstPosition + 2n,
          }),
        ),
      ).toEqual(['a3', 'a2']);
      expect(ids(await ctx.store.queryEvents({ streams: [a, b], streamTypes: ['closable'] }))).toEqual(['b2', 'b1']);
      expect(ids(await ctx.store.queryEvents({ correlationId: `corr-${a}` }))).toEqual(['a1']);
    });

    it('filters by time, as a Date or as a duration text', async () => {
      const mine = { streams: [a, b] };
      expect(await ctx.store.queryEvents({ ...mine, since: '3 days' })).toHaveLength(5);
      expect(await ctx.store.queryEvents({ ...mine, since: '2 weeks' })).toHaveLength(5);
      expect(await ctx.store.queryEvents({ ...mine, since: 'day' })).toHaveLength(5);
      expect(await ctx.store.queryEvents({ ...mine, until: '1 hour' })).toHaveLength(0);
      expect(await ctx.store.queryEvents({ ...mine, since: new Date(Date.now() + 60_000) })).toHaveLength(0);
      expect(
        await ctx.store.queryEvents({
          ...mine,
          since: new Date(Date.now() - 60_000),
          until: new Date(Date.now() + 60_000),
        }),
      ).toHaveLength(5);
    });

    it('ORs several filters in one query', async () => {
      const found = await ctx.store.queryEvents({
        any: [
          { streams: [a], types: ['query.opened'] },
          { streams: [b], types: ['query.closed'] },
        ],
        order: 'oldest-first',
      });
      expect(ids(found)).toEqual(['a1', 'b2']);
    });

    it('returns 100 events by default and all of them with limit null', async () => {
      const id = stream();
      await ctx.store.append(id, events(120));
      expect(await ctx.store.queryEvents({ streams: [id] })).toHaveLength(100);
      expect(await ctx.store.queryEvents({ streams: [id], limit: null })).toHaveLength(120);
      expect(await ctx.store.queryEvents({ streams: [id], limit: 7 })).toHaveLength(7);
    });

    it.each<[string, unknown]>([
      ['an unreadable duration', { since: 'three fortnights' }],
      ['an empty duration', { since: '' }],
      ['an invalid Date', { since: new Date('nope') }],
      ['a zero limit', { limit: 0 }],
      ['an unknown option', { stream: ['x'] }],
      ['an empty any', { any: [] }],
      ['a negative position', { fromPosition: -1n }],
      ['a position past the bigint column', { fromPosition: 2n ** 63n }],
      ['a type with a NUL character', { types: ['a\u0000b'] }],
      ['a stream id with a lone surrogate', { streams: ['account-\ud800'] }],
      ['a stream type with a NUL character', { streamTypes: ['\u0000'] }],
      ['a correlation id with a NUL character', { correlationId: 'c\u0000' }],
    ])('rejects %s with ES_INVALID_QUERY', async (_title, query) => {
      await expect(ctx.store.queryEvents(query as never)).rejects.toMatchObject({ code: 'ES_INVALID_QUERY' });
    });
  });
}
