import { randomUUID } from 'node:crypto';
import { AppendConditionError } from '../../errors/append-condition-error';
import type { NewEvent } from '../../events/event-envelope';
import type { DecisionQuery } from '../../store/decision-query';
import type { ContractContext } from './contract-context';

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Part of the store contract; see `describeEventStoreContract`. @internal */
export function describeDecisionConcurrencyContract(ctx: ContractContext): void {
  const { stream } = ctx;
  const claim = (t: string, data: unknown = {}): NewEvent => ({ type: 'dcb.claimed', data, tags: [t] });

  /** A transaction that has appended `event` and stays open until `release` is called. */
  async function heldOpen(event: NewEvent): Promise<{ release: () => void; done: Promise<void> }> {
    const appended = gate();
    const release = gate();
    const done = ctx.store.transaction(async (tx) => {
      await tx.append(stream('open'), [event]);
      appended.open();
      await release.promise;
    });
    await appended.promise;
    return { release: release.open, done };
  }

  describe('conditional appends under concurrency', () => {
    it('commits exactly one of 50 concurrent conditional appends on one query, every round', async () => {
      for (let round = 0; round < 3; round++) {
        const t = `seat:${randomUUID()}`;
        const query: DecisionQuery = [{ types: ['dcb.claimed'], tags: [t] }];
        const { after } = await ctx.store.readMatching(query);
        const settled = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) =>
            ctx.store.append(stream('seat'), [claim(t, { i })], { condition: { query, after } }),
          ),
        );
        const won = settled.filter((s) => s.status === 'fulfilled');
        const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost.every((s) => s.reason instanceof AppendConditionError)).toBe(true);
        expect((await ctx.store.readMatching(query)).events).toHaveLength(1);
      }
    });

    it('lets no two read-decide-append loops both commit on one query (each reads for itself)', async () => {
      const t = `name:${randomUUID()}`;
      const query: DecisionQuery = [{ tags: [t] }];
      const attempt = async (i: number): Promise<boolean> => {
        const { events, after } = await ctx.store.readMatching(query);
        if (events.length > 0) return false;
        await ctx.store.append(stream('name'), [claim(t, { i })], { condition: { query, after } });
        return true;
      };
      const settled = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => attempt(i)));
      expect(settled.filter((s) => s.status === 'fulfilled' && s.value)).toHaveLength(1);
      expect((await ctx.store.readMatching(query)).events).toHaveLength(1);
    });

    it('counts right when conditional appends race plain tagged appends of the same tag', async () => {
      const t = `counter:${randomUUID()}`;
      const query: DecisionQuery = [{ tags: [t] }];
      const counted = async (writer: number): Promise<void> => {
        for (let done = 0; done < 4;) {
          const { events, after } = await ctx.store.readMatching(query);
          const next = { writer, n: events.length + 1 };
          try {
            await ctx.store.append(stream('count'), [claim(t, next)], { condition: { query, after } });
            done++;
          } catch (error) {
            if (!(error instanceof AppendConditionError)) throw error;
          }
        }
      };
      const plain = async (): Promise<void> => {
        for (let i = 0; i < 8; i++) await ctx.store.append(stream('plain'), [claim(t, { plain: true })]);
      };
      await Promise.all([counted(1), counted(2), counted(3), plain(), plain()]);
      const { events } = await ctx.store.readMatching(query);
      expect(events).toHaveLength(3 * 4 + 2 * 8);
      // Each conditional event saw exactly the matching events before it, by position.
      events.forEach((e, index) => {
        const n = (e.data as { n?: number }).n;
        if (n !== undefined) expect(n).toBe(index + 1);
      });
    });

    it('counts an event of a transaction open at the read, at a lower position, as after the read', async () => {
      const t = `gap:${randomUUID()}`;
      const query: DecisionQuery = [{ tags: [t] }];
      const slow = await heldOpen(claim(t, { slow: true }));
      const fast = await ctx.store.append(stream('fast'), [claim(t, { fast: true })]);
      const { events, after } = await ctx.store.readMatching(query);
      expect(events.map((e) => e.data)).toEqual([{ fast: true }]);
      slow.release();
      await slow.done;
      const [slowEvent] = (await ctx.store.readMatching(query)).events;
      expect(slowEvent!.position).toBeLessThan(fast.position);
      await expect(
        ctx.store.append(stream('late'), [claim(t)], { condition: { query, after } }),
      ).rejects.toBeInstanceOf(AppendConditionError);
    });

    it('waits for a transaction in flight that holds a matching event, then fails when it commits', async () => {
      const t = `wait:${randomUUID()}`;
      const query: DecisionQuery = [{ tags: [t] }];
      const open = await heldOpen(claim(t));
      const { after } = await ctx.store.readMatching(query);
      const conditional = ctx.store.append(stream('decided'), [claim(t)], { condition: { query, after } });
      const outcome = conditional.then(
        () => 'committed',
        (error: unknown) => (error instanceof AppendConditionError ? 'refused' : error),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      open.release();
      await open.done;
      expect(await outcome).toBe('refused');
    });
  });
}
