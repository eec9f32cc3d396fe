import { InvalidQueryError } from '../../errors/invalid-query-error';
import type { EventStore } from '../../store/event-store';
import type { ContractContext } from './contract-context';

/** Part of the store contract; see `describeEventStoreContract`. @internal */
export function describeStreamReadsContract(ctx: ContractContext): void {
  const { stream, events } = ctx;
  describe('readStream and iterateStream', () => {
    let id: string;
    beforeAll(async () => {
      id = stream();
      await ctx.store.append(id, events(50));
    });

    it('reads a version range forwards and backwards, with a limit', async () => {
      const versions = async (options: Parameters<EventStore['readStream']>[1]): Promise<number[]> =>
        (await ctx.store.readStream(id, options)).map((e) => e.version);
      expect(await versions({ fromVersion: 10, toVersion: 13 })).toEqual([10, 11, 12, 13]);
      expect(await versions({ fromVersion: 48 })).toEqual([48, 49, 50]);
      expect(await versions({ limit: 2 })).toEqual([1, 2]);
      expect(await versions({ direction: 'backwards', limit: 3 })).toEqual([50, 49, 48]);
      expect(await versions({ direction: 'backwards', fromVersion: 5, toVersion: 3 })).toEqual([5, 4, 3]);
    });

    it('reads an unknown stream as empty, at version 0', async () => {
      expect(await ctx.store.readStream(stream())).toEqual([]);
      expect(await ctx.store.streamVersion(stream())).toBe(0);
      expect(await ctx.store.describeStream(stream())).toBeUndefined();
    });

    it('describes a stream: its type, version, deleted flag and creation time', async () => {
      const other = stream();
      const before = Date.now();
      await ctx.store.append(other, events(2), { streamType: 'ledger' });
      await ctx.store.append(other, events(1));
      const description = await ctx.store.describeStream(other);
      expect(description).toEqual({
        streamId: other,
        streamType: 'ledger',
        version: 3,
        deleted: false,
        createdAt: expect.any(Date),
      });
      expect(Math.abs(description!.createdAt.getTime() - before)).toBeLessThan(60_000);
    });

    it.each([
      ['a NUL character', 'account-\u0000'],
      ['a lone surrogate', 'account-\udfff'],
    ])('refuses a stream id with %s on reads with ES_INVALID_STREAM_ID', async (_title, streamId) => {
      await expect(ctx.store.readStream(streamId)).rejects.toMatchObject({ code: 'ES_INVALID_STREAM_ID' });
      await expect(ctx.store.streamVersion(streamId)).rejects.toMatchObject({ code: 'ES_INVALID_STREAM_ID' });
      await expect(ctx.store.describeStream(streamId)).rejects.toMatchObject({ code: 'ES_INVALID_STREAM_ID' });
    });

    it('iterates a stream page by page, in both directions', async () => {
      const forwards: number[] = [];
      for await (const e of ctx.store.iterateStream(id, { batchSize: 7 })) forwards.push(e.version);
      expect(forwards).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const backwards: number[] = [];
      for await (const e of ctx.store.iterateStream(id, { batchSize: 7, direction: 'backwards', limit: 10 }))
        backwards.push(e.version);
      expect(backwards).toEqual(Array.from({ length: 10 }, (_, i) => 50 - i));
    });

    it('rejects a bad range with ES_INVALID_QUERY', async () => {
      await expect(ctx.store.readStream(id, { fromVersion: -1 })).rejects.toThrow(InvalidQueryError);
      await expect(ctx.store.readStream(id, { limit: 0 })).rejects.toThrow(InvalidQueryError);
      await expect(ctx.store.readStream(id, { direction: 'sideways' as 'forwards' })).rejects.toThrow(
        InvalidQueryError,
      );
    });
  });
}
