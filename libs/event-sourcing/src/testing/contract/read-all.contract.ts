import type { EventEnvelope } from '../../events/event-envelope';
import type { GlobalCursor } from '../../store/event-store';
import type { ContractContext } from './contract-context';

/** Part of the store contract; see `describeEventStoreContract`. @internal */
export function describeReadAllContract(ctx: ContractContext): void {
  const { stream, event, readEverything, readEverythingIncluding } = ctx;
  describe('readAll', () => {
    it('pages through the store in order with a cursor and filters by type', async () => {
      const id = stream();
      await ctx.store.append(id, [event(), { type: 'contract.other', data: {} }, event()]);
      const all = await readEverythingIncluding(id);
      const mine = all.filter((e) => e.streamId === id);
      expect(mine.map((e) => e.version)).toEqual([1, 2, 3]);
      const paged: EventEnvelope[] = [];
      let cursor: GlobalCursor | undefined;
      for (;;) {
        const page = await ctx.store.readAll({ after: cursor, limit: 2 });
        if (!page.events.length) break;
        paged.push(...page.events);
        cursor = page.cursor;
      }
      expect(paged.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
      const others = await ctx.store.readAll({ types: ['contract.other'], limit: 1000 });
      expect(others.events.every((e) => e.type === 'contract.other')).toBe(true);
      expect(others.events.some((e) => e.streamId === id)).toBe(true);
    });

    it('never returns an event committed early and later the one a slower transaction placed before it', async () => {
      const [slow, fast] = [stream('slow'), stream('fast')];
      const before = await readEverything();
      const cursor = before.length
        ? { transactionId: before.at(-1)!.transactionId, position: before.at(-1)!.position }
        : undefined;
      let slowAppended!: () => void;
      let releaseSlow!: () => void;
      const appended = new Promise<void>((resolve) => (slowAppended = resolve));
      const release = new Promise<void>((resolve) => (releaseSlow = resolve));
      // Transaction A takes the lower position and stays open...
      const transactionA = ctx.store.transaction(async (tx) => {
        const result = await tx.append(slow, [event({ who: 'A' })]);
        slowAppended();
        await release;
        return result;
      });
      await appended;
      // ...while B takes a higher position and commits first.
      const b = await ctx.store.append(fast, [event({ who: 'B' })]);
      const whileOpen = await ctx.store.readAll({ after: cursor, limit: 1000 });
      expect(whileOpen.events.map((e) => e.streamId)).not.toContain(fast);
      expect(whileOpen.events.map((e) => e.streamId)).not.toContain(slow);

      releaseSlow();
      const a = await transactionA;
      expect(a.position).toBeLessThan(b.position);
      // Other sessions on a shared server can hold the horizon back for a moment: wait, with a deadline.
      const deadline = Date.now() + 10_000;
      let seen: string[] = [];
      while (Date.now() < deadline) {
        const page = await ctx.store.readAll({ after: whileOpen.cursor, limit: 1000 });
        seen = page.events.map((e) => e.streamId).filter((s) => s === slow || s === fast);
        if (seen.length === 2) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(seen).toEqual([slow, fast]);
    });

    it('skips the position of a rolled-back transaction without stalling', async () => {
      const [rolledBack, committed] = [stream(), stream()];
      await ctx.store
        .transaction(async (tx) => {
          await tx.append(rolledBack, [event()]);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      await ctx.store.append(committed, [event()]);
      const all = await readEverythingIncluding(committed);
      expect(all.some((e) => e.streamId === committed)).toBe(true);
      expect(all.some((e) => e.streamId === rolledBack)).toBe(false);
    });
  });
}
