import { randomUUID } from 'node:crypto';
import { AppendConditionError } from '../../errors/append-condition-error';
import { ConcurrencyError } from '../../errors/concurrency-error';
import { InvalidQueryError } from '../../errors/invalid-query-error';
import { InvalidStreamIdError } from '../../errors/invalid-stream-id-error';
import { InvalidTagError } from '../../errors/invalid-tag-error';
import type { EventEnvelope, NewEvent } from '../../events/event-envelope';
import type { DecisionQuery } from '../../store/decision-query';
import { MAX_TAG_LENGTH, MAX_TAGS_PER_EVENT } from '../../store/tags';
import type { ContractContext } from './contract-context';

/** Part of the store contract; see `describeEventStoreContract`. @internal */
export function describeDecisionContract(ctx: ContractContext): void {
  const { stream, expectRejectedWithoutWrite } = ctx;
  /** A tag of its own for one test: `key:<uuid>`. */
  const tag = (key = 'k'): string => `${key}:${randomUUID()}`;
  const tagged = (type: string, tags: string[], data: unknown = {}): NewEvent => ({ type, data, tags });
  const names = (events: EventEnvelope[]): unknown[] => events.map((e) => (e.data as { name?: unknown }).name);

  describe('tags and decision queries', () => {
    it('stores tags and reads them back sorted, without repeats, and an untagged event with none', async () => {
      const id = stream('tags');
      const [a, b] = [tag('b'), tag('a')];
      await ctx.store.append(id, [tagged('dcb.tagged', [a, b, a]), { type: 'dcb.plain', data: {} }]);
      const [first, second] = await ctx.store.readStream(id);
      expect(first!.tags).toEqual([a, b].sort());
      expect(second!.tags).toEqual([]);
    });

    it('answers the spec query semantics: types only, tags only, both, several items', async () => {
      const [x, y] = [tag('x'), tag('y')];
      const id = stream('semantics');
      await ctx.store.append(id, [
        tagged('dcb.a', [x], { name: 'a-x' }),
        tagged('dcb.b', [x, y], { name: 'b-xy' }),
        tagged('dcb.a', [y], { name: 'a-y' }),
        tagged('dcb.c', [], { name: 'c' }),
      ]);
      const read = async (query: DecisionQuery): Promise<unknown[]> =>
        names((await ctx.store.readMatching(query)).events.filter((e) => e.streamId === id));
      expect(await read([{ types: ['dcb.a'] }])).toEqual(['a-x', 'a-y']);
      expect(await read([{ tags: [x] }])).toEqual(['a-x', 'b-xy']);
      expect(await read([{ tags: [x, y] }])).toEqual(['b-xy']);
      expect(await read([{ types: ['dcb.a'], tags: [y] }])).toEqual(['a-y']);
      expect(await read([{ types: ['dcb.a', 'dcb.b'], tags: [x] }])).toEqual(['a-x', 'b-xy']);
      expect(await read([{ types: ['dcb.c'] }, { tags: [y] }])).toEqual(['b-xy', 'a-y', 'c']);
      expect(
        await read([
          { types: ['dcb.a'], tags: [x] },
          { types: ['dcb.b'], tags: [y] },
        ]),
      ).toEqual(['a-x', 'b-xy']);
      expect(await read([{ tags: [tag()] }])).toEqual([]);
    });

    it('reads every event with the empty query, by position, with the read point at the last position', async () => {
      const id = stream('all');
      const { position } = await ctx.store.append(id, [tagged('dcb.a', [tag()])]);
      const { events, after } = await ctx.store.readMatching([]);
      expect(events.length).toBe(await ctx.countAll());
      expect(events.map((e) => e.position)).toEqual(
        [...events.map((e) => e.position)].sort((a, b) => (a < b ? -1 : 1)),
      );
      expect(after.position).toBeGreaterThanOrEqual(position);
      expect(typeof after.snapshot).toBe('string');
    });

    it('filters queryEvents and readAll by tags, all of them', async () => {
      const [x, y] = [tag(), tag()];
      const id = stream('filters');
      await ctx.store.append(id, [tagged('dcb.a', [x]), tagged('dcb.b', [x, y]), tagged('dcb.a', [y])]);
      expect((await ctx.store.queryEvents({ tags: [x] })).map((e) => e.type)).toEqual(['dcb.b', 'dcb.a']);
      expect((await ctx.store.queryEvents({ tags: [x, y], types: ['dcb.b'] })).map((e) => e.version)).toEqual([2]);
      const all = await ctx.readEverythingIncluding(id);
      const after = { transactionId: 0n, position: 0n };
      const byTag = await ctx.store.readAll({ after, tags: [y], limit: 10_000 });
      expect(byTag.events.map((e) => e.version)).toEqual([2, 3]);
      const byBoth = await ctx.store.readAll({ after, tags: [y], types: ['dcb.a'], limit: 10_000 });
      expect(byBoth.events.map((e) => e.version)).toEqual([3]);
      expect(all.filter((e) => e.streamId === id)).toHaveLength(3);
    });
  });

  describe('conditional append', () => {
    it('without after: fails when any matching event exists, passes when none does', async () => {
      const x = tag();
      const query = [{ types: ['dcb.claimed'], tags: [x] }];
      await ctx.store.append(stream(), [tagged('dcb.claimed', [x])], { condition: { query } });
      await expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), [tagged('dcb.claimed', [x])], { condition: { query } }),
        AppendConditionError,
        'ES_APPEND_CONDITION',
      );
    });

    it('with after: passes when nothing matching came since the read, fails when something did', async () => {
      const [x, other] = [tag(), tag()];
      const query = [{ tags: [x] }];
      await ctx.store.append(stream(), [tagged('dcb.a', [x])]);
      const { events, after } = await ctx.store.readMatching(query);
      expect(events).toHaveLength(1);
      await ctx.store.append(stream(), [tagged('dcb.a', [other])]);
      const first = await ctx.store.append(stream(), [tagged('dcb.a', [x])], { condition: { query, after } });
      expect(first.written).toBe(true);
      await expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), [tagged('dcb.a', [x])], { condition: { query, after } }),
        AppendConditionError,
        'ES_APPEND_CONDITION',
      );
      // A bare position works the spec's way: events after it count.
      await expect(
        ctx.store.append(stream(), [tagged('dcb.a', [x])], { condition: { query, after: first.position } }),
      ).resolves.toMatchObject({ written: true });
    });

    it('guards on types alone, and on the empty query', async () => {
      const type = `dcb.only-${randomUUID()}`;
      const { after } = await ctx.store.readMatching([{ types: [type] }]);
      await ctx.store.append(stream(), [{ type, data: {} }], { condition: { query: [{ types: [type] }], after } });
      await expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), [{ type, data: {} }], { condition: { query: [{ types: [type] }], after } }),
        AppendConditionError,
        'ES_APPEND_CONDITION',
      );
      const point = await ctx.store.readMatching([]);
      await ctx.store.append(stream(), [{ type, data: {} }], { condition: { query: [], after: point.after } });
      await expect(
        ctx.store.append(stream(), [{ type, data: {} }], { condition: { query: [], after: point.after } }),
      ).rejects.toBeInstanceOf(AppendConditionError);
    });

    it('keeps expected versions and idempotent retries of the same event ids', async () => {
      const x = tag();
      const id = stream();
      const query = [{ tags: [x] }];
      const { after } = await ctx.store.readMatching(query);
      const event = { ...tagged('dcb.a', [x]), eventId: randomUUID() };
      const first = await ctx.store.append(id, [event], { expectedVersion: 0, condition: { query, after } });
      const again = await ctx.store.append(id, [event], { expectedVersion: 0, condition: { query, after } });
      expect(again).toEqual({ ...first, written: false });
      await expect(
        ctx.store.append(id, [tagged('dcb.a', [tag()])], {
          expectedVersion: 0,
          condition: { query: [{ tags: [tag()] }] },
        }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
    });

    it('sees inside a transaction, and refuses there without writing', async () => {
      const x = tag();
      const query = [{ tags: [x] }];
      const { after } = await ctx.store.readMatching(query);
      await ctx.store.append(stream(), [tagged('dcb.a', [x])]);
      const id = stream();
      await expect(
        ctx.store.transaction(async (tx) => {
          await tx.append(id, [{ type: 'dcb.before', data: {} }]);
          await tx.append(stream(), [tagged('dcb.a', [x])], { condition: { query, after } });
        }),
      ).rejects.toBeInstanceOf(AppendConditionError);
      expect(await ctx.store.readStream(id)).toEqual([]);
    });
  });

  describe('appendMany', () => {
    it('appends to several streams at once, each at its version, in one transaction', async () => {
      const [a, b] = [stream('many'), stream('many')];
      await ctx.store.append(b, [ctx.event()]);
      const x = tag();
      const results = await ctx.store.appendMany([
        { streamId: a, events: [tagged('dcb.a', [x]), tagged('dcb.a', [x])], expectedVersion: 0 },
        { streamId: b, events: [tagged('dcb.b', [x])], expectedVersion: 1 },
      ]);
      expect(results.map((r) => r.streamVersion)).toEqual([2, 2]);
      expect(results[1]!.position).toBeGreaterThan(results[0]!.position);
      const matched = (await ctx.store.readMatching([{ tags: [x] }])).events;
      expect(matched.map((e) => `${e.streamId === a ? 'a' : 'b'}${e.version}`)).toEqual(['a1', 'a2', 'b2']);
      const { transactionId } = matched[0]!;
      expect(matched.every((e) => e.transactionId === transactionId)).toBe(true);
    });

    it('writes nothing when the condition fails or one stream is not at its version', async () => {
      const x = tag();
      const [a, b] = [stream('many'), stream('many')];
      const query = [{ tags: [x] }];
      const { after } = await ctx.store.readMatching(query);
      await ctx.store.append(stream(), [tagged('dcb.a', [x])]);
      const parts = [
        { streamId: a, events: [tagged('dcb.a', [x])] },
        { streamId: b, events: [tagged('dcb.b', [x])] },
      ];
      await expectRejectedWithoutWrite(
        () => ctx.store.appendMany(parts, { condition: { query, after } }),
        AppendConditionError,
        'ES_APPEND_CONDITION',
      );
      await expectRejectedWithoutWrite(
        () => ctx.store.appendMany([parts[0]!, { ...parts[1]!, expectedVersion: 3 }]),
        ConcurrencyError,
        'ES_CONCURRENCY',
      );
      const point = await ctx.store.readMatching(query);
      await ctx.store.appendMany(parts, { condition: { query, after: point.after } });
      expect((await ctx.store.readMatching(query)).events).toHaveLength(3);
    });
  });

  describe('bad input of tags and decision queries is rejected with a code and writes nothing', () => {
    it.each<[string, unknown]>([
      ['an empty tag', ''],
      ['a tag without a colon', 'list'],
      ['a tag with an empty value', 'list:'],
      ['a tag with an empty key', ':42'],
      ['a tag with surrounding spaces', ' list:42'],
      ['a tag that is not a string', 42],
      ['a tag over the size limit', `k:${'x'.repeat(MAX_TAG_LENGTH)}`],
      ['a tag with a NUL character', 'k:a\u0000b'],
      ['a tag with a lone surrogate', 'k:\ud800'],
    ])('%s', async (_title, bad) => {
      await expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), [tagged('dcb.a', [tag(), bad as string])]),
        InvalidTagError,
        'ES_INVALID_TAG',
      );
    });

    it('too many tags on one event', async () => {
      const many = Array.from({ length: MAX_TAGS_PER_EVENT + 1 }, (_, i) => `k:${i}`);
      await expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), [tagged('dcb.a', many)]),
        InvalidTagError,
        'ES_INVALID_TAG',
      );
    });

    it.each<[string, unknown]>([
      ['an empty item', [{}]],
      ['an item with empty lists', [{ types: [], tags: [] }]],
      ['types that are not names', [{ types: [42] }]],
      ['a bad tag', [{ tags: ['nope'] }]],
      ['an unknown key', [{ stream: 'x' }]],
      ['something else than a list', { tags: ['k:1'] }],
    ])('a query with %s, in readMatching and in a condition', async (_title, query) => {
      await expect(ctx.store.readMatching(query as DecisionQuery)).rejects.toBeInstanceOf(InvalidQueryError);
      await expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), [ctx.event()], { condition: { query: query as DecisionQuery } }),
        InvalidQueryError,
        'ES_INVALID_QUERY',
      );
    });

    it('a condition whose after is no read point', async () => {
      await expectRejectedWithoutWrite(
        () =>
          ctx.store.append(stream(), [ctx.event()], {
            condition: { query: [], after: { position: 1n, snapshot: 'x' } },
          }),
        InvalidQueryError,
        'ES_INVALID_QUERY',
      );
    });

    it('appendMany with no streams, or one stream twice', async () => {
      await expect(ctx.store.appendMany([])).rejects.toMatchObject({ code: 'ES_INVALID_EVENT' });
      const id = stream();
      await expectRejectedWithoutWrite(
        () =>
          ctx.store.appendMany([
            { streamId: id, events: [ctx.event()] },
            { streamId: id, events: [ctx.event()] },
          ]),
        InvalidStreamIdError,
        'ES_INVALID_STREAM_ID',
      );
    });
  });
}
