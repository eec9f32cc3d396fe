import { NaturalKeyTakenError } from '../../errors/natural-key-taken-error';
import type { ContractContext } from './contract-context';

/** Part of the store contract (unique natural keys); see `describeEventStoreContract`. @internal */
export function describeNaturalKeysContract(ctx: ContractContext): void {
  const { stream, event, expectRejectedWithoutWrite } = ctx;
  let n = 0;
  /** A value no other test claims. */
  const unique = (): string => `person-${Date.now()}-${n++}@example.org`;
  const claim = (value: string, key = 'contract/email') => ({ naturalKeys: { claim: [{ key, value }] } });

  describe('natural keys', () => {
    it('finds the stream that claimed a value, and refuses it to a second stream, writing nothing', async () => {
      const [a, b, email] = [stream(), stream(), unique()];
      await ctx.store.append(a, [event()], claim(email));
      expect(await ctx.store.findByNaturalKey('contract/email', email)).toBe(a);
      expect(await ctx.store.findByNaturalKey('contract/email', unique())).toBeUndefined();
      expect(await ctx.store.findByNaturalKey('contract/other', email)).toBeUndefined();
      await expectRejectedWithoutWrite(
        () => ctx.store.append(b, [event()], claim(email)),
        NaturalKeyTakenError,
        'ES_NATURAL_KEY_TAKEN',
      );
      expect(await ctx.store.streamVersion(b)).toBe(0);
      // The same stream claiming its own value again is no conflict; another key's same value neither.
      await ctx.store.append(a, [event()], claim(email));
      await ctx.store.append(b, [event()], claim(email, 'contract/login'));
    });

    it('frees the old value when a stream claims a new one, and a value it releases', async () => {
      const [a, b, first, second] = [stream(), stream(), unique(), unique()];
      await ctx.store.append(a, [event()], claim(first));
      await ctx.store.append(a, [event()], claim(second));
      expect(await ctx.store.findByNaturalKey('contract/email', first)).toBeUndefined();
      expect(await ctx.store.findByNaturalKey('contract/email', second)).toBe(a);
      await ctx.store.append(b, [event()], claim(first));
      await ctx.store.append(a, [event()], { naturalKeys: { release: ['contract/email'] } });
      expect(await ctx.store.findByNaturalKey('contract/email', second)).toBeUndefined();
      await ctx.store.append(b, [event()], claim(second));
      expect(await ctx.store.findByNaturalKey('contract/email', second)).toBe(b);
    });

    it('releases the keys of a soft-deleted stream, claims them back on restore, and refuses a restore when one was taken', async () => {
      const [a, b, email] = [stream(), stream(), unique()];
      await ctx.store.append(a, [event()], claim(email));
      await ctx.store.deleteStream(a);
      expect(await ctx.store.findByNaturalKey('contract/email', email)).toBeUndefined();
      await ctx.store.restoreStream(a);
      expect(await ctx.store.findByNaturalKey('contract/email', email)).toBe(a);

      await ctx.store.deleteStream(a);
      await ctx.store.append(b, [event()], claim(email));
      await expectRejectedWithoutWrite(() => ctx.store.restoreStream(a), NaturalKeyTakenError, 'ES_NATURAL_KEY_TAKEN');
      expect(await ctx.store.describeStream(a)).toMatchObject({ deleted: true });
      expect(await ctx.store.findByNaturalKey('contract/email', email)).toBe(b);
    });

    it('frees the keys of a hard-deleted stream', async () => {
      const [a, b, email] = [stream(), stream(), unique()];
      await ctx.store.append(a, [event()], claim(email));
      await ctx.store.hardDeleteStream(a);
      expect(await ctx.store.findByNaturalKey('contract/email', email)).toBeUndefined();
      await ctx.store.append(b, [event()], claim(email));
      expect(await ctx.store.findByNaturalKey('contract/email', email)).toBe(b);
    });

    it('keeps no claim of a transaction that rolled back, nor of an append that failed', async () => {
      const [a, b, email] = [stream(), stream(), unique()];
      await expect(
        ctx.store.transaction(async (tx) => {
          await tx.append(a, [event()], claim(email));
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      await ctx.store.append(b, [event()]);
      await expect(ctx.store.append(b, [event()], { ...claim(email), expectedVersion: 0 })).rejects.toThrow();
      expect(await ctx.store.findByNaturalKey('contract/email', email)).toBeUndefined();
    });

    it("holds a value once per tenant: the tenant of the append's events, found with tenantId", async () => {
      const [a, b, c, none, email] = [stream(), stream(), stream(), stream(), unique()];
      const of = (tenantId: string) => event({ n: 1 }, { metadata: { tenantId } });
      await ctx.store.append(a, [of('contract-a')], claim(email));
      await ctx.store.append(b, [of('contract-b')], claim(email));
      await ctx.store.append(none, [event()], claim(email));
      expect(await ctx.store.findByNaturalKey('contract/email', email, { tenantId: 'contract-a' })).toBe(a);
      expect(await ctx.store.findByNaturalKey('contract/email', email, { tenantId: 'contract-b' })).toBe(b);
      expect(await ctx.store.findByNaturalKey('contract/email', email)).toBe(none);
      expect(await ctx.store.findByNaturalKey('contract/email', email, { tenantId: 'contract-c' })).toBeUndefined();
      await expect(ctx.store.findByNaturalKey('contract/email', email, { tenantId: 'bad\0' })).rejects.toMatchObject({
        code: 'ES_INVALID_QUERY',
      });
      await expectRejectedWithoutWrite(
        () => ctx.store.append(c, [of('contract-a')], claim(email)),
        NaturalKeyTakenError,
        'ES_NATURAL_KEY_TAKEN',
      );
      // A restore checks the stream's own tenant alone: b and none hold the value, and are no conflict.
      await ctx.store.deleteStream(a, { metadata: { tenantId: 'contract-a' } });
      await ctx.store.restoreStream(a, { metadata: { tenantId: 'contract-a' } });
      expect(await ctx.store.findByNaturalKey('contract/email', email, { tenantId: 'contract-a' })).toBe(a);
    });

    it('lets exactly one of several concurrent claims of one value win, every time', async () => {
      for (let round = 0; round < 10; round++) {
        const email = unique();
        const ids = Array.from({ length: 6 }, () => stream());
        const results = await Promise.allSettled(
          ids.map((id) => ctx.store.append(id, [event()], { ...claim(email), expectedVersion: 'no_stream' })),
        );
        const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [ids[i]] : []));
        expect(won).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(NaturalKeyTakenError);
        }
        expect(await ctx.store.findByNaturalKey('contract/email', email)).toBe(won[0]);
        const written = await Promise.all(ids.map((id) => ctx.store.streamVersion(id)));
        expect(written.filter((v) => v > 0)).toHaveLength(1);
      }
    });
  });
}
