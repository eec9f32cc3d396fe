import { randomUUID } from 'node:crypto';
import { DuplicateEventIdError } from '../../errors/duplicate-event-id-error';
import { InvalidEventError } from '../../errors/invalid-event-error';
import type { NewEvent } from '../../events/event-envelope';
import type { ExpectedVersion } from '../../store/expected-version';
import type { ContractContext } from './contract-context';

/** Part of the store contract; see `describeEventStoreContract`. @internal */
export function describeIdempotencyContract(ctx: ContractContext): void {
  const { stream, event, events, countAll, expectRejectedWithoutWrite } = ctx;
  describe('idempotent event ids', () => {
    const batch = (): NewEvent[] => [
      event({ a: 1 }, { eventId: randomUUID() }),
      event({ b: 2 }, { eventId: randomUUID() }),
    ];

    it.each<[string, ExpectedVersion]>([
      ['an exact expected version', 0],
      ["'any'", 'any'],
      ["'no_stream'", 'no_stream'],
      ["'stream_exists' on a longer stream", 'stream_exists'],
    ])(
      'treats a retry of the same ids at the same versions with %s as done, writing nothing',
      async (_title, expectedVersion) => {
        const id = stream();
        if (expectedVersion === 'stream_exists') await ctx.store.append(id, [event()]);
        const base = await ctx.store.streamVersion(id);
        const retried = batch();
        const first = await ctx.store.append(id, retried, {
          expectedVersion: expectedVersion === 0 ? base : expectedVersion,
        });
        const before = await countAll();
        const again = await ctx.store.append(id, retried, {
          expectedVersion: expectedVersion === 0 ? base : expectedVersion,
        });
        expect(again).toEqual({ ...first, written: false });
        expect(await countAll()).toBe(before);
        expect((await ctx.store.readStream(id)).map((e) => e.eventId)).toEqual([
          ...(base ? [expect.any(String)] : []),
          ...retried.map((e) => e.eventId),
        ]);
      },
    );

    it('answers a retry after later appends with the original result', async () => {
      const id = stream();
      const retried = batch();
      const first = await ctx.store.append(id, retried, { expectedVersion: 'no_stream' });
      await ctx.store.append(id, events(3));
      await expect(ctx.store.append(id, retried, { expectedVersion: 0 })).resolves.toEqual({
        ...first,
        written: false,
      });
      expect(await ctx.store.streamVersion(id)).toBe(5);
    });

    it('rejects an event id already stored in another stream', async () => {
      const stored = batch();
      await ctx.store.append(stream(), stored);
      await expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), stored),
        DuplicateEventIdError,
        'ES_DUPLICATE_EVENT_ID',
      );
    });

    it('rejects stored ids at other versions of the same stream, and batches mixing stored and new ids', async () => {
      const id = stream();
      const stored = batch();
      await ctx.store.append(id, stored);
      await expectRejectedWithoutWrite(
        () => ctx.store.append(id, [stored[1]!, stored[0]!]),
        DuplicateEventIdError,
        'ES_DUPLICATE_EVENT_ID',
      );
      await expectRejectedWithoutWrite(
        () => ctx.store.append(id, [...stored, event()]),
        DuplicateEventIdError,
        'ES_DUPLICATE_EVENT_ID',
      );
      await expectRejectedWithoutWrite(
        () => ctx.store.append(id, [event(), stored[0]!]),
        DuplicateEventIdError,
        'ES_DUPLICATE_EVENT_ID',
      );
    });

    it('rejects one id twice in a batch', async () => {
      const eventId = randomUUID();
      await expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), [event({}, { eventId }), event({}, { eventId })]),
        InvalidEventError,
        'ES_INVALID_EVENT',
      );
    });
  });
}
