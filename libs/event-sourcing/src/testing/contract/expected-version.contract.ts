import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '../../errors/concurrency-error';
import { DuplicateEventIdError } from '../../errors/duplicate-event-id-error';
import type { ExpectedVersion } from '../../store/expected-version';
import type { ContractContext } from './contract-context';

/** Part of the store contract; see `describeEventStoreContract`. @internal */
export function describeExpectedVersionContract(ctx: ContractContext): void {
  const { stream, event, events } = ctx;
  describe('expected version', () => {
    const cases: [string, ExpectedVersion, number, boolean][] = [
      ["'no_stream' on a new stream", 'no_stream', 0, true],
      ["'no_stream' on an existing stream", 'no_stream', 2, false],
      ["'stream_exists' on a new stream", 'stream_exists', 0, false],
      ["'stream_exists' on an existing stream", 'stream_exists', 2, true],
      ["'any' on a new stream", 'any', 0, true],
      ["'any' on an existing stream", 'any', 2, true],
      ['0 on a new stream', 0, 0, true],
      ['the current version', 2, 2, true],
      ['a version behind', 1, 2, false],
      ['a version ahead', 3, 2, false],
      ['a version on a new stream', 1, 0, false],
    ];

    it.each(cases)('%s', async (_title, expected, existing, accepted) => {
      const id = stream();
      if (existing) await ctx.store.append(id, events(existing));
      const attempt = ctx.store.append(id, [event()], { expectedVersion: expected });
      if (accepted) {
        await expect(attempt).resolves.toMatchObject({ streamVersion: existing + 1 });
        return;
      }
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ code: 'ES_CONCURRENCY', streamId: id, expected, actual: existing });
      expect(await ctx.store.streamVersion(id)).toBe(existing);
    });

    it('lets exactly one of 20 concurrent appenders win each version, with no gap or duplicate', async () => {
      const id = stream();
      await ctx.store.append(id, [event()]);
      const race = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => ctx.store.append(id, [event({ racer: i })], { expectedVersion: 1 })),
      );
      expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const losers = race.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(losers).toHaveLength(19);
      for (const loser of losers)
        expect(loser.reason).toMatchObject({ code: 'ES_CONCURRENCY', expected: 1, actual: 2 });

      // Now every appender retries until it wins a version of its own.
      await Promise.all(
        Array.from({ length: 20 }, async (_, writer) => {
          for (;;) {
            const version = await ctx.store.streamVersion(id);
            try {
              return await ctx.store.append(id, [event({ writer })], { expectedVersion: version });
            } catch (error) {
              if (!(error instanceof ConcurrencyError)) throw error;
            }
          }
        }),
      );
      const stored = await ctx.store.readStream(id);
      expect(stored.map((e) => e.version)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
      const writers = stored
        .map((e) => (e.data as { writer?: number }).writer)
        .filter((w): w is number => w !== undefined);
      expect(writers.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });
    it('answers on a stream that just lost races as on any other', async () => {
      // A store may append differently to a stream it saw conflicts on (PostgreSQL does).
      const id = stream();
      await ctx.store.append(id, [event()]);
      await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => ctx.store.append(id, [event({ racer: i })], { expectedVersion: 1 })),
      );
      const kept = randomUUID();
      const appendKept = (expectedVersion: number) =>
        ctx.store.append(id, [event({ kept: true }, { eventId: kept })], { expectedVersion });
      await expect(appendKept(2)).resolves.toMatchObject({ streamVersion: 3, written: true });
      // An exact retry of a stored append: done, nothing written.
      await expect(appendKept(2)).resolves.toMatchObject({ streamVersion: 3, written: false });
      for (const expected of [1, 2, 7]) {
        await expect(ctx.store.append(id, [event()], { expectedVersion: expected })).rejects.toMatchObject({
          code: 'ES_CONCURRENCY',
          expected,
          actual: 3,
        });
      }
      await ctx.expectRejectedWithoutWrite(() => appendKept(3), DuplicateEventIdError, 'ES_DUPLICATE_EVENT_ID');
      await expect(ctx.store.append(id, [event()], { expectedVersion: 3 })).resolves.toMatchObject({
        streamVersion: 4,
        written: true,
      });
      expect((await ctx.store.readStream(id)).map((e) => e.version)).toEqual([1, 2, 3, 4]);
    });

    it.each<[ExpectedVersion]>([['any'], ['stream_exists']])(
      'lands every one of 50 concurrent single appends with %p',
      async (expectedVersion) => {
        const id = stream();
        await ctx.store.append(id, [event()]);
        await Promise.all(
          Array.from({ length: 50 }, (_, writer) => ctx.store.append(id, [event({ writer })], { expectedVersion })),
        );
        expect((await ctx.store.readStream(id)).map((e) => e.version)).toEqual(
          Array.from({ length: 51 }, (_, i) => i + 1),
        );
      },
    );

    it("lands every concurrent batch appended with 'any', at contiguous versions", async () => {
      const id = stream();
      await Promise.all(
        Array.from({ length: 10 }, (_, writer) =>
          ctx.store.append(
            id,
            events(5).map((e) => ({ ...e, data: { writer } })),
          ),
        ),
      );
      const stored = await ctx.store.readStream(id);
      expect(stored.map((e) => e.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      // Each batch stays together, in one piece.
      for (let i = 0; i < 50; i += 5) {
        expect(new Set(stored.slice(i, i + 5).map((e) => (e.data as { writer: number }).writer)).size).toBe(1);
      }
    });
  });
}
