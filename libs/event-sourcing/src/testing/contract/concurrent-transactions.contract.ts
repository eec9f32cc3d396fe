import { randomUUID } from 'node:crypto';
import { DuplicateEventIdError } from '../../errors/duplicate-event-id-error';
import { TransactionConflictError } from '../../errors/transaction-conflict-error';
import type { AppendResult, EventStoreTransaction } from '../../store/event-store';
import type { ContractContext } from './contract-context';

/** A promise and the function that resolves it. */
interface Gate {
  promise: Promise<void>;
  open: () => void;
}

function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Whether `promise` has settled, asked after a round trip to the store and a turn of the event loop. */
async function settledBy(promise: Promise<unknown>, roundTrip: () => Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await roundTrip();
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

/** Part of the store contract; see `describeEventStoreContract`. @internal */
export function describeConcurrentTransactionsContract(ctx: ContractContext): void {
  const { stream, event } = ctx;
  describe('concurrent transactions', () => {
    /**
     * Two transactions that each append once, wait until both have, then append where
     * the other one did first: each then waits for the other, a deadlock.
     */
    async function crossed(
      second: (tx: EventStoreTransaction, index: number) => Promise<unknown>,
      firsts: [string, string],
      firstEvents: [string | undefined, string | undefined] = [undefined, undefined],
    ): Promise<PromiseSettledResult<number>[]> {
      const appended = [gate(), gate()];
      const both = Promise.all(appended.map((g) => g.promise));
      const work = (index: number): Promise<number> =>
        ctx.store.transaction(async (tx) => {
          const eventId = firstEvents[index];
          await tx.append(firsts[index]!, [event({ tx: index }, eventId ? { eventId } : {})]);
          appended[index]!.open();
          await both;
          await second(tx, index);
          return index;
        });
      return Promise.allSettled([work(0), work(1)]);
    }

    function winnerAndVictim(settled: PromiseSettledResult<number>[]): { winner: number; victim: unknown } {
      const won = settled.filter((s): s is PromiseFulfilledResult<number> => s.status === 'fulfilled');
      const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      expect({ won: won.length, lost: lost.length }).toEqual({ won: 1, lost: 1 });
      return { winner: won[0]!.value, victim: lost[0]!.reason };
    }

    function expectConflict(error: unknown): void {
      expect(error).toBeInstanceOf(TransactionConflictError);
      expect(error).toMatchObject({ code: 'ES_TRANSACTION_CONFLICT', name: 'TransactionConflictError' });
      expect((error as Error).message).toMatch(/rolled back.*Nothing of it was written; run it again/s);
    }

    /** PostgreSQL finds a deadlock after its deadlock_timeout (1 s by default); a store that never does fails here. */
    const deadlockTimeout = 20_000;

    const writers = async (streamId: string): Promise<unknown[]> =>
      (await ctx.store.readStream(streamId)).map((e) => (e.data as { tx: unknown }).tx);

    it(
      'fails one of two transactions locking two streams in opposite orders with TransactionConflictError and commits the other whole',
      async () => {
        const [left, right] = [stream('left'), stream('right')];
        const settled = await crossed(
          (tx, index) => tx.append(index === 0 ? right : left, [event({ tx: index })]),
          [left, right],
        );
        const { winner, victim } = winnerAndVictim(settled);
        expectConflict(victim);
        expect(await writers(left)).toEqual([winner]);
        expect(await writers(right)).toEqual([winner]);
      },
      deadlockTimeout,
    );

    it(
      'detects a deadlock that runs through an event id pending in the other transaction',
      async () => {
        const [left, right, third] = [stream('left'), stream('right'), stream('third')];
        const pendingId = randomUUID();
        // The first transaction holds the id and waits for `right`; the second holds `right` and waits for the id.
        const settled = await crossed(
          (tx, index) =>
            index === 0
              ? tx.append(right, [event({ tx: 0 })])
              : tx.append(third, [event({ tx: 1 }, { eventId: pendingId })]),
          [left, right],
          [pendingId, undefined],
        );
        const { winner, victim } = winnerAndVictim(settled);
        expectConflict(victim);
        expect(await writers(right)).toEqual([winner]);
        const holder = winner === 0 ? left : third;
        expect((await ctx.store.readStream(holder)).map((e) => e.eventId)).toEqual([pendingId]);
        expect(await ctx.store.readStream(winner === 0 ? third : left)).toEqual([]);
      },
      deadlockTimeout,
    );

    it(
      'rejects a conflicted transaction even when its work catches the error, and refuses any later call through it',
      async () => {
        const [left, right, other] = [stream('left'), stream('right'), stream('other')];
        const caught: unknown[] = [];
        const settled = await crossed(
          async (tx, index) => {
            try {
              await tx.append(index === 0 ? right : left, [event({ tx: index })]);
            } catch (error) {
              caught.push(error);
              await expect(tx.append(other, [event({ tx: index })])).rejects.toBeInstanceOf(TransactionConflictError);
              await expect(tx.readStream(left)).rejects.toBeInstanceOf(TransactionConflictError);
            }
          },
          [left, right],
        );
        const { winner, victim } = winnerAndVictim(settled);
        expectConflict(victim);
        expect(caught).toHaveLength(1);
        expectConflict(caught[0]);
        expect(await writers(left)).toEqual([winner]);
        expect(await writers(right)).toEqual([winner]);
        expect(await ctx.store.readStream(other)).toEqual([]);
      },
      deadlockTimeout,
    );

    describe.each<[string, (streamId: string, eventId: string) => Promise<AppendResult>]>([
      ['an append', (streamId, eventId) => ctx.store.append(streamId, [event({}, { eventId })])],
      [
        'an append in a transaction',
        (streamId, eventId) => ctx.store.transaction((tx) => tx.append(streamId, [event({}, { eventId })])),
      ],
    ])('an event id pending in an open transaction, taken by %s', (_title, take) => {
      /** Opens a transaction holding `eventId` in a stream of its own; it ends with `end`. */
      async function holding(eventId: string, holderStream: string, outcome: 'commit' | 'roll back') {
        const held = gate();
        const end = gate();
        const holder = ctx.store.transaction(async (tx) => {
          await tx.append(holderStream, [event({}, { eventId })], { expectedVersion: 'no_stream' });
          held.open();
          await end.promise;
          if (outcome === 'roll back') throw new Error('roll back');
        });
        await held.promise;
        return { holder, end: end.open };
      }

      it('waits for that transaction and writes the id when it rolls back', async () => {
        const [a, b] = [stream('holder'), stream('taker')];
        const eventId = randomUUID();
        const { holder, end } = await holding(eventId, a, 'roll back');
        const taken = take(b, eventId);
        expect(await settledBy(taken, () => ctx.store.streamVersion(b))).toBe(false);
        end();
        await expect(holder).rejects.toThrow('roll back');
        await expect(taken).resolves.toMatchObject({ streamVersion: 1, written: true });
        expect((await ctx.store.readStream(b)).map((e) => e.eventId)).toEqual([eventId]);
        expect(await ctx.store.readStream(a)).toEqual([]);
      });

      it('waits for that transaction and reports the duplicate when it commits, or a retry of it as done', async () => {
        const [a, b] = [stream('holder'), stream('taker')];
        const eventId = randomUUID();
        const { holder, end } = await holding(eventId, a, 'commit');
        const taken = take(b, eventId);
        const retried = ctx.store.append(a, [event({}, { eventId })], { expectedVersion: 'no_stream' });
        expect(await settledBy(taken, () => ctx.store.streamVersion(b))).toBe(false);
        end();
        await holder;
        const error = await taken.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(error).toMatchObject({ code: 'ES_DUPLICATE_EVENT_ID', streamId: b, eventId });
        await expect(retried).resolves.toMatchObject({ streamVersion: 1, written: false });
        expect(await ctx.store.readStream(b)).toEqual([]);
        expect((await ctx.store.readStream(a)).map((e) => e.eventId)).toEqual([eventId]);
      });
    });
  });
}
