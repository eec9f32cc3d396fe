import { ConcurrencyError } from '../../errors/concurrency-error';
import { InvalidStreamIdError } from '../../errors/invalid-stream-id-error';
import { StreamNotFoundError } from '../../errors/stream-not-found-error';
import { StreamTombstonedError } from '../../errors/stream-tombstoned-error';
import {
  STREAM_DELETED,
  STREAM_RESTORED,
  STREAM_TOMBSTONED,
  TOMBSTONES_STREAM,
} from '../../events/stream-lifecycle-types';
import type { ExpectedVersion } from '../../store/expected-version';
import type { ContractContext } from './contract-context';

/** Part of the store contract (soft delete, restore, hard delete); see `describeEventStoreContract`. @internal */
export function describeLifecycleContract(ctx: ContractContext): void {
  const { stream, event, events, expectRejectedWithoutWrite } = ctx;

  describe('soft delete and restore', () => {
    it('records a deletion as an event of the stream, keeps its history readable, and restores it', async () => {
      const id = stream();
      await ctx.store.append(id, events(2));
      const deleted = await ctx.store.deleteStream(id, { reason: 'asked by the owner' });
      expect(deleted).toMatchObject({ streamVersion: 3, written: true });
      expect(await ctx.store.describeStream(id)).toMatchObject({ version: 3, deleted: true });
      const history = await ctx.store.readStream(id);
      expect(history.map((e) => e.type)).toEqual(['contract.happened', 'contract.happened', STREAM_DELETED]);
      expect(history[2]!.data).toEqual({ reason: 'asked by the owner' });
      expect((await ctx.readEverythingIncluding(id)).filter((e) => e.streamId === id)).toHaveLength(3);
      expect(await ctx.store.queryEvents({ streams: [id] })).toHaveLength(3);

      const restored = await ctx.store.restoreStream(id);
      expect(restored).toMatchObject({ streamVersion: 4, written: true });
      expect(await ctx.store.describeStream(id)).toMatchObject({ version: 4, deleted: false });
      expect((await ctx.store.readStream(id)).at(-1)!.type).toBe(STREAM_RESTORED);
    });

    it('does nothing when the stream is already deleted, or not deleted to restore', async () => {
      const id = stream();
      await ctx.store.append(id, [event()]);
      expect(await ctx.store.restoreStream(id)).toMatchObject({ streamVersion: 1, written: false });
      await ctx.store.deleteStream(id);
      expect(await ctx.store.deleteStream(id)).toMatchObject({ streamVersion: 2, written: false });
      expect(await ctx.store.streamVersion(id)).toBe(2);
    });

    it('refuses an unknown stream with ES_STREAM_NOT_FOUND and a wrong expected version with ES_CONCURRENCY', async () => {
      await expectRejectedWithoutWrite(
        () => ctx.store.deleteStream(stream()),
        StreamNotFoundError,
        'ES_STREAM_NOT_FOUND',
      );
      const id = stream();
      await ctx.store.append(id, events(2));
      await expectRejectedWithoutWrite(
        () => ctx.store.deleteStream(id, { expectedVersion: 1 }),
        ConcurrencyError,
        'ES_CONCURRENCY',
      );
      expect(await ctx.store.describeStream(id)).toMatchObject({ deleted: false });
    });

    it('deletes with the events of the same append, atomically', async () => {
      const id = stream();
      await ctx.store.append(id, [event()]);
      await ctx.store.append(id, [event({ last: true })], { expectedVersion: 1, lifecycle: { action: 'delete' } });
      expect((await ctx.store.readStream(id)).map((e) => e.type)).toEqual([
        'contract.happened',
        'contract.happened',
        STREAM_DELETED,
      ]);
      expect(await ctx.store.describeStream(id)).toMatchObject({ deleted: true });
    });
  });

  describe('hard delete', () => {
    it('removes the events, keeps a tombstone, and tells subscribers with an es.stream-tombstoned event', async () => {
      const id = stream('ledger');
      const { position } = await ctx.store.append(id, events(3));
      const tombstone = await ctx.store.hardDeleteStream(id, { reason: 'erasure request' });
      expect(tombstone).toEqual({
        streamId: id,
        streamType: 'ledger',
        lastVersion: 3,
        lastPosition: position,
        deletedAt: expect.any(Date),
      });
      expect(await ctx.store.readStream(id)).toEqual([]);
      expect(await ctx.store.streamVersion(id)).toBe(0);
      expect(await ctx.store.describeStream(id)).toBeUndefined();
      expect(await ctx.store.queryEvents({ streams: [id] })).toEqual([]);
      expect(await ctx.store.tombstoneOf(id)).toEqual(tombstone);
      const told = (await ctx.store.queryEvents({ streams: [TOMBSTONES_STREAM], limit: null })).filter(
        (e) => (e.data as { streamId: string }).streamId === id,
      );
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({
        type: STREAM_TOMBSTONED,
        data: { streamId: id, streamType: 'ledger', lastVersion: 3, reason: 'erasure request' },
      });
      const everything = await ctx.readEverythingIncluding(TOMBSTONES_STREAM);
      expect(everything.filter((e) => e.streamId === id)).toEqual([]);
    });

    it.each<[string, ExpectedVersion]>([
      ['the last version', 3],
      ['any', 'any'],
      ['no_stream', 'no_stream'],
      ['stream_exists', 'stream_exists'],
      ['an earlier version', 1],
    ])('refuses an append to a tombstoned id expecting %s with ES_STREAM_TOMBSTONED', async (_title, expected) => {
      const id = stream();
      await ctx.store.append(id, [event()]);
      await ctx.store.append(id, [event()], { expectedVersion: 1 });
      await ctx.store.append(id, [event()], { expectedVersion: 2 });
      await ctx.store.hardDeleteStream(id);
      await expectRejectedWithoutWrite(
        () => ctx.store.append(id, [event()], { expectedVersion: expected }),
        StreamTombstonedError,
        'ES_STREAM_TOMBSTONED',
      );
      await expectRejectedWithoutWrite(
        () => ctx.store.append(id, events(2), { expectedVersion: expected }),
        StreamTombstonedError,
        'ES_STREAM_TOMBSTONED',
      );
      await expectRejectedWithoutWrite(
        () => ctx.store.transaction((tx) => tx.append(id, [event()], { expectedVersion: expected })),
        StreamTombstonedError,
        'ES_STREAM_TOMBSTONED',
      );
      expect(await ctx.store.readStream(id)).toEqual([]);
    });

    it('refuses single-event appends to a tombstoned id that go out together (group commit)', async () => {
      const ids = [stream(), stream(), stream(), stream(), stream(), stream()];
      for (const id of ids) await ctx.store.append(id, [event()], { expectedVersion: 'no_stream' });
      await ctx.store.hardDeleteStream(ids[0]!);
      const results = await Promise.allSettled(
        ids.map((id) => ctx.store.append(id, [event()], { expectedVersion: 1 })),
      );
      expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.any(StreamTombstonedError) });
      expect(results.slice(1).every((r) => r.status === 'fulfilled')).toBe(true);
    });

    it('answers the same tombstone when deleted again, and refuses unknown ids and the tombstones stream', async () => {
      const id = stream();
      await ctx.store.append(id, [event()]);
      const first = await ctx.store.hardDeleteStream(id);
      const tombstones = await ctx.store.streamVersion(TOMBSTONES_STREAM);
      expect(await ctx.store.hardDeleteStream(id)).toEqual(first);
      expect(await ctx.store.streamVersion(TOMBSTONES_STREAM)).toBe(tombstones);
      await expect(ctx.store.hardDeleteStream(stream())).rejects.toThrow(StreamNotFoundError);
      await expect(ctx.store.hardDeleteStream(TOMBSTONES_STREAM)).rejects.toThrow(InvalidStreamIdError);
      expect(await ctx.store.tombstoneOf(stream())).toBeUndefined();
    });

    it('hard-deletes a soft-deleted stream', async () => {
      const id = stream();
      await ctx.store.append(id, [event()]);
      await ctx.store.deleteStream(id);
      expect(await ctx.store.hardDeleteStream(id)).toMatchObject({ lastVersion: 2 });
      await expect(ctx.store.restoreStream(id)).rejects.toThrow(StreamNotFoundError);
    });
  });
}
