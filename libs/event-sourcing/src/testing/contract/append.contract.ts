import { randomUUID } from 'node:crypto';
import { DuplicateEventIdError } from '../../errors/duplicate-event-id-error';
import { InvalidEventError } from '../../errors/invalid-event-error';
import type { ContractContext } from './contract-context';

/** Part of the store contract; see `describeEventStoreContract`. @internal */
export function describeAppendContract(ctx: ContractContext): void {
  const { stream, event, expectRejectedWithoutWrite } = ctx;
  describe('append', () => {
    it('stores a batch and reads it back as envelopes with every field', async () => {
      const id = stream('account');
      const eventId = randomUUID();
      const result = await ctx.store.append(id, [
        {
          type: 'bank.account-opened',
          data: { owner: 'Ada', at: new Date('2026-01-02T03:04:05.000Z') },
          eventId,
          metadata: { correlationId: 'c-1', causationId: 'k-1', user: 'u-7' },
        },
        { type: 'bank.money-deposited', data: { amount: 5 }, revision: 2 },
      ]);
      expect(result.streamVersion).toBe(2);
      expect(result.written).toBe(true);
      expect(typeof result.position).toBe('bigint');

      const [opened, deposited] = await ctx.store.readStream(id);
      expect(opened).toMatchObject({
        eventId,
        streamId: id,
        version: 1,
        type: 'bank.account-opened',
        revision: 1,
        data: { owner: 'Ada', at: '2026-01-02T03:04:05.000Z' },
        metadata: { correlationId: 'c-1', causationId: 'k-1', user: 'u-7' },
      });
      expect(opened!.createdAt).toBeInstanceOf(Date);
      expect(typeof opened!.transactionId).toBe('bigint');
      expect(deposited).toMatchObject({ version: 2, revision: 2, data: { amount: 5 }, position: result.position });
      expect(opened!.position).toBeLessThan(deposited!.position);
      expect(await ctx.store.streamVersion(id)).toBe(2);
    });

    it('takes an event id in capitals and keeps it in lower case, so a retry in either case is the same event', async () => {
      const id = stream();
      const eventId = randomUUID();
      await ctx.store.append(id, [event({ n: 1 }, { eventId: eventId.toUpperCase() })], {
        expectedVersion: 'no_stream',
      });
      const retry = await ctx.store.append(id, [event({ n: 1 }, { eventId })], { expectedVersion: 'no_stream' });
      expect(retry).toMatchObject({ streamVersion: 1, written: false });
      expect((await ctx.store.readStream(id)).map((e) => e.eventId)).toEqual([eventId]);
    });

    it('writes no event of a batch when one of its events is rejected', async () => {
      const id = stream();
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expectRejectedWithoutWrite(
        () => ctx.store.append(id, [event(), event(), event(circular)]),
        InvalidEventError,
        'ES_INVALID_EVENT',
      );
      expect(await ctx.store.readStream(id)).toEqual([]);
    });

    it('writes no event of a batch when the database rejects its last event', async () => {
      const taken = randomUUID();
      await ctx.store.append(stream(), [event({}, { eventId: taken })]);
      const id = stream();
      await expectRejectedWithoutWrite(
        () => ctx.store.append(id, [event(), event(), event({}, { eventId: taken })]),
        DuplicateEventIdError,
        'ES_DUPLICATE_EVENT_ID',
      );
      expect(await ctx.store.streamVersion(id)).toBe(0);
    });

    it('keeps a transaction usable after a caught conflict, and treats a retry in it as done', async () => {
      const id = stream();
      const retried = event({ once: true }, { eventId: randomUUID() });
      await ctx.store.append(id, [retried]);
      const result = await ctx.store.transaction(async (tx) => {
        await expect(tx.append(id, [event()], { expectedVersion: 0 })).rejects.toMatchObject({
          code: 'ES_CONCURRENCY',
          actual: 1,
        });
        const replay = await tx.append(id, [retried], { expectedVersion: 0 });
        const next = await tx.append(id, [event()], { expectedVersion: 1 });
        return { replay, next };
      });
      expect(result.replay.written).toBe(false);
      expect(result.next.streamVersion).toBe(2);
      expect((await ctx.store.readStream(id)).length).toBe(2);
    });

    it('names the event id that is already stored', async () => {
      const taken = randomUUID();
      await ctx.store.append(stream(), [event({}, { eventId: taken })]);
      const fresh = randomUUID();
      const inTransaction = ctx.store.transaction((tx) =>
        tx.append(stream(), [event({}, { eventId: fresh }), event({}, { eventId: taken })]),
      );
      await expect(inTransaction).rejects.toMatchObject({ code: 'ES_DUPLICATE_EVENT_ID', eventId: taken });
      await expect(
        ctx.store.append(stream(), [event({}, { eventId: fresh }), event({}, { eventId: taken })]),
      ).rejects.toMatchObject({ eventId: taken });
    });

    it('rolls back every append of a transaction that throws', async () => {
      const [a, b] = [stream(), stream()];
      await expect(
        ctx.store.transaction(async (tx) => {
          await tx.append(a, [event()]);
          await tx.append(b, [event()]);
          expect((await tx.readStream(a)).length).toBe(1);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await ctx.store.readStream(a)).toEqual([]);
      expect(await ctx.store.readStream(b)).toEqual([]);
    });
  });
}
