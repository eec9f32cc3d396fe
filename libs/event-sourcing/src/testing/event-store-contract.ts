import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '../errors/concurrency-error';
import { DuplicateEventIdError } from '../errors/duplicate-event-id-error';
import type { EventSourcingError } from '../errors/event-sourcing-error';
import { EventTooLargeError } from '../errors/event-too-large-error';
import { InvalidEventError } from '../errors/invalid-event-error';
import { InvalidExpectedVersionError } from '../errors/invalid-expected-version-error';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { InvalidStreamIdError } from '../errors/invalid-stream-id-error';
import type { EventEnvelope, NewEvent } from '../events/event-envelope';
import type { EventStore, GlobalCursor } from '../store/event-store';
import type { ExpectedVersion } from '../store/expected-version';

/** What the contract suite needs of a store under test. */
export interface ContractSubject {
  /** A store over an empty database, used by every test of the suite. */
  store: EventStore;
  /** The store's `maxEventSize`, in bytes. */
  maxEventSize: number;
  /** Releases what the subject holds (connections, databases). */
  close?: () => Promise<void>;
}

/**
 * The behaviour every `EventStore` must have, as a jest suite: atomic batches, every
 * expected-version mode, concurrent appenders, idempotent event ids, gap-safe global
 * reads, query filters and bad input. Run it against your own store to check it.
 * @example
 * describeEventStoreContract('my store', async () => ({ store: new MyStore(), maxEventSize: 1024 * 1024 }));
 */
export function describeEventStoreContract(name: string, createSubject: () => Promise<ContractSubject>): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;

    beforeAll(async () => {
      subject = await createSubject();
      store = subject.store;
    });

    afterAll(async () => {
      await subject?.close?.();
    });

    const stream = (prefix = 'contract'): string => `${prefix}-${randomUUID()}`;
    const event = (data: unknown = { n: 1 }, extra: Partial<NewEvent> = {}): NewEvent => ({
      type: 'contract.happened',
      data,
      ...extra,
    });
    const events = (count: number): NewEvent[] => Array.from({ length: count }, (_, n) => event({ n }));

    /** Reads the whole store in global order, following the cursor to the end. */
    const readEverything = async (): Promise<EventEnvelope[]> => {
      const all: EventEnvelope[] = [];
      let cursor: GlobalCursor | undefined;
      for (;;) {
        const page = await store.readAll({ after: cursor, limit: 1000 });
        all.push(...page.events);
        if (page.events.length < 1000) return all;
        cursor = page.cursor;
      }
    };

    /**
     * Reads everything once the given stream shows up. Transactions of other sessions on a
     * shared server hold the horizon back for a moment: wait for it, with a deadline.
     */
    const readEverythingIncluding = async (streamId: string): Promise<EventEnvelope[]> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const all = await readEverything();
        if (all.some((e) => e.streamId === streamId) || Date.now() > deadline) return all;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    /** Total events, to prove a rejected call wrote nothing. */
    const countAll = async (): Promise<number> => (await store.queryEvents({ limit: null })).length;

    /** Runs a call that must be rejected with `code`, and checks that nothing was written. */
    const expectRejectedWithoutWrite = async (
      call: () => Promise<unknown>,
      errorClass: new (...args: never[]) => EventSourcingError,
      code: string,
    ): Promise<void> => {
      const before = await countAll();
      const error: unknown = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(errorClass);
      expect((error as EventSourcingError).code).toBe(code);
      expect((error as Error).message.length).toBeGreaterThan(20);
      expect(await countAll()).toBe(before);
    };

    describe('append', () => {
      it('stores a batch and reads it back as envelopes with every field', async () => {
        const id = stream('account');
        const eventId = randomUUID();
        const result = await store.append(id, [
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

        const [opened, deposited] = await store.readStream(id);
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
        expect(await store.streamVersion(id)).toBe(2);
      });

      it('writes no event of a batch when one of its events is rejected', async () => {
        const id = stream();
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        await expectRejectedWithoutWrite(
          () => store.append(id, [event(), event(), event(circular)]),
          InvalidEventError,
          'ES_INVALID_EVENT',
        );
        expect(await store.readStream(id)).toEqual([]);
      });

      it('writes no event of a batch when the database rejects its last event', async () => {
        const taken = randomUUID();
        await store.append(stream(), [event({}, { eventId: taken })]);
        const id = stream();
        await expectRejectedWithoutWrite(
          () => store.append(id, [event(), event(), event({}, { eventId: taken })]),
          DuplicateEventIdError,
          'ES_DUPLICATE_EVENT_ID',
        );
        expect(await store.streamVersion(id)).toBe(0);
      });

      it('keeps a transaction usable after a caught conflict, and treats a retry in it as done', async () => {
        const id = stream();
        const retried = event({ once: true }, { eventId: randomUUID() });
        await store.append(id, [retried]);
        const result = await store.transaction(async (tx) => {
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
        expect((await store.readStream(id)).length).toBe(2);
      });

      it('names the event id that is already stored', async () => {
        const taken = randomUUID();
        await store.append(stream(), [event({}, { eventId: taken })]);
        const fresh = randomUUID();
        const inTransaction = store.transaction((tx) =>
          tx.append(stream(), [event({}, { eventId: fresh }), event({}, { eventId: taken })]),
        );
        await expect(inTransaction).rejects.toMatchObject({ code: 'ES_DUPLICATE_EVENT_ID', eventId: taken });
        await expect(
          store.append(stream(), [event({}, { eventId: fresh }), event({}, { eventId: taken })]),
        ).rejects.toMatchObject({ eventId: taken });
      });

      it('rolls back every append of a transaction that throws', async () => {
        const [a, b] = [stream(), stream()];
        await expect(
          store.transaction(async (tx) => {
            await tx.append(a, [event()]);
            await tx.append(b, [event()]);
            expect((await tx.readStream(a)).length).toBe(1);
            throw new Error('abort');
          }),
        ).rejects.toThrow('abort');
        expect(await store.readStream(a)).toEqual([]);
        expect(await store.readStream(b)).toEqual([]);
      });
    });

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
        if (existing) await store.append(id, events(existing));
        const attempt = store.append(id, [event()], { expectedVersion: expected });
        if (accepted) {
          await expect(attempt).resolves.toMatchObject({ streamVersion: existing + 1 });
          return;
        }
        const error = await attempt.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ code: 'ES_CONCURRENCY', streamId: id, expected, actual: existing });
        expect(await store.streamVersion(id)).toBe(existing);
      });

      it('lets exactly one of 20 concurrent appenders win each version, with no gap or duplicate', async () => {
        const id = stream();
        await store.append(id, [event()]);
        const race = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => store.append(id, [event({ racer: i })], { expectedVersion: 1 })),
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
              const version = await store.streamVersion(id);
              try {
                return await store.append(id, [event({ writer })], { expectedVersion: version });
              } catch (error) {
                if (!(error instanceof ConcurrencyError)) throw error;
              }
            }
          }),
        );
        const stored = await store.readStream(id);
        expect(stored.map((e) => e.version)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
        const writers = stored
          .map((e) => (e.data as { writer?: number }).writer)
          .filter((w): w is number => w !== undefined);
        expect(writers.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      });
      it.each<[ExpectedVersion]>([['any'], ['stream_exists']])(
        'lands every one of 50 concurrent single appends with %p',
        async (expectedVersion) => {
          const id = stream();
          await store.append(id, [event()]);
          await Promise.all(
            Array.from({ length: 50 }, (_, writer) => store.append(id, [event({ writer })], { expectedVersion })),
          );
          expect((await store.readStream(id)).map((e) => e.version)).toEqual(
            Array.from({ length: 51 }, (_, i) => i + 1),
          );
        },
      );

      it("lands every concurrent batch appended with 'any', at contiguous versions", async () => {
        const id = stream();
        await Promise.all(
          Array.from({ length: 10 }, (_, writer) =>
            store.append(
              id,
              events(5).map((e) => ({ ...e, data: { writer } })),
            ),
          ),
        );
        const stored = await store.readStream(id);
        expect(stored.map((e) => e.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        // Each batch stays together, in one piece.
        for (let i = 0; i < 50; i += 5) {
          expect(new Set(stored.slice(i, i + 5).map((e) => (e.data as { writer: number }).writer)).size).toBe(1);
        }
      });
    });

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
          if (expectedVersion === 'stream_exists') await store.append(id, [event()]);
          const base = await store.streamVersion(id);
          const retried = batch();
          const first = await store.append(id, retried, {
            expectedVersion: expectedVersion === 0 ? base : expectedVersion,
          });
          const before = await countAll();
          const again = await store.append(id, retried, {
            expectedVersion: expectedVersion === 0 ? base : expectedVersion,
          });
          expect(again).toEqual({ ...first, written: false });
          expect(await countAll()).toBe(before);
          expect((await store.readStream(id)).map((e) => e.eventId)).toEqual([
            ...(base ? [expect.any(String)] : []),
            ...retried.map((e) => e.eventId),
          ]);
        },
      );

      it('answers a retry after later appends with the original result', async () => {
        const id = stream();
        const retried = batch();
        const first = await store.append(id, retried, { expectedVersion: 'no_stream' });
        await store.append(id, events(3));
        await expect(store.append(id, retried, { expectedVersion: 0 })).resolves.toEqual({ ...first, written: false });
        expect(await store.streamVersion(id)).toBe(5);
      });

      it('rejects an event id already stored in another stream', async () => {
        const stored = batch();
        await store.append(stream(), stored);
        await expectRejectedWithoutWrite(
          () => store.append(stream(), stored),
          DuplicateEventIdError,
          'ES_DUPLICATE_EVENT_ID',
        );
      });

      it('rejects stored ids at other versions of the same stream, and batches mixing stored and new ids', async () => {
        const id = stream();
        const stored = batch();
        await store.append(id, stored);
        await expectRejectedWithoutWrite(
          () => store.append(id, [stored[1]!, stored[0]!]),
          DuplicateEventIdError,
          'ES_DUPLICATE_EVENT_ID',
        );
        await expectRejectedWithoutWrite(
          () => store.append(id, [...stored, event()]),
          DuplicateEventIdError,
          'ES_DUPLICATE_EVENT_ID',
        );
        await expectRejectedWithoutWrite(
          () => store.append(id, [event(), stored[0]!]),
          DuplicateEventIdError,
          'ES_DUPLICATE_EVENT_ID',
        );
      });

      it('rejects one id twice in a batch', async () => {
        const eventId = randomUUID();
        await expectRejectedWithoutWrite(
          () => store.append(stream(), [event({}, { eventId }), event({}, { eventId })]),
          InvalidEventError,
          'ES_INVALID_EVENT',
        );
      });
    });

    describe('readStream and iterateStream', () => {
      let id: string;
      beforeAll(async () => {
        id = stream();
        await store.append(id, events(50));
      });

      it('reads a version range forwards and backwards, with a limit', async () => {
        const versions = async (options: Parameters<EventStore['readStream']>[1]): Promise<number[]> =>
          (await store.readStream(id, options)).map((e) => e.version);
        expect(await versions({ fromVersion: 10, toVersion: 13 })).toEqual([10, 11, 12, 13]);
        expect(await versions({ fromVersion: 48 })).toEqual([48, 49, 50]);
        expect(await versions({ limit: 2 })).toEqual([1, 2]);
        expect(await versions({ direction: 'backwards', limit: 3 })).toEqual([50, 49, 48]);
        expect(await versions({ direction: 'backwards', fromVersion: 5, toVersion: 3 })).toEqual([5, 4, 3]);
      });

      it('reads an unknown stream as empty, at version 0', async () => {
        expect(await store.readStream(stream())).toEqual([]);
        expect(await store.streamVersion(stream())).toBe(0);
      });

      it('iterates a stream page by page, in both directions', async () => {
        const forwards: number[] = [];
        for await (const e of store.iterateStream(id, { batchSize: 7 })) forwards.push(e.version);
        expect(forwards).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        const backwards: number[] = [];
        for await (const e of store.iterateStream(id, { batchSize: 7, direction: 'backwards', limit: 10 }))
          backwards.push(e.version);
        expect(backwards).toEqual(Array.from({ length: 10 }, (_, i) => 50 - i));
      });

      it('rejects a bad range with ES_INVALID_QUERY', async () => {
        await expect(store.readStream(id, { fromVersion: -1 })).rejects.toThrow(InvalidQueryError);
        await expect(store.readStream(id, { limit: 0 })).rejects.toThrow(InvalidQueryError);
        await expect(store.readStream(id, { direction: 'sideways' as 'forwards' })).rejects.toThrow(InvalidQueryError);
      });
    });

    describe('readAll', () => {
      it('pages through the store in order with a cursor and filters by type', async () => {
        const id = stream();
        await store.append(id, [event(), { type: 'contract.other', data: {} }, event()]);
        const all = await readEverythingIncluding(id);
        const mine = all.filter((e) => e.streamId === id);
        expect(mine.map((e) => e.version)).toEqual([1, 2, 3]);
        const paged: EventEnvelope[] = [];
        let cursor: GlobalCursor | undefined;
        for (;;) {
          const page = await store.readAll({ after: cursor, limit: 2 });
          if (!page.events.length) break;
          paged.push(...page.events);
          cursor = page.cursor;
        }
        expect(paged.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
        const others = await store.readAll({ types: ['contract.other'], limit: 1000 });
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
        const transactionA = store.transaction(async (tx) => {
          const result = await tx.append(slow, [event({ who: 'A' })]);
          slowAppended();
          await release;
          return result;
        });
        await appended;
        // ...while B takes a higher position and commits first.
        const b = await store.append(fast, [event({ who: 'B' })]);
        const whileOpen = await store.readAll({ after: cursor, limit: 1000 });
        expect(whileOpen.events.map((e) => e.streamId)).not.toContain(fast);
        expect(whileOpen.events.map((e) => e.streamId)).not.toContain(slow);

        releaseSlow();
        const a = await transactionA;
        expect(a.position).toBeLessThan(b.position);
        // Other sessions on a shared server can hold the horizon back for a moment: wait, with a deadline.
        const deadline = Date.now() + 10_000;
        let seen: string[] = [];
        while (Date.now() < deadline) {
          const page = await store.readAll({ after: whileOpen.cursor, limit: 1000 });
          seen = page.events.map((e) => e.streamId).filter((s) => s === slow || s === fast);
          if (seen.length === 2) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(seen).toEqual([slow, fast]);
      });

      it('skips the position of a rolled-back transaction without stalling', async () => {
        const [rolledBack, committed] = [stream(), stream()];
        await store
          .transaction(async (tx) => {
            await tx.append(rolledBack, [event()]);
            throw new Error('roll back');
          })
          .catch(() => undefined);
        await store.append(committed, [event()]);
        const all = await readEverythingIncluding(committed);
        expect(all.some((e) => e.streamId === committed)).toBe(true);
        expect(all.some((e) => e.streamId === rolledBack)).toBe(false);
      });
    });

    describe('queryEvents', () => {
      let a: string;
      let b: string;
      let firstPosition: bigint;
      beforeAll(async () => {
        a = stream('query');
        b = stream('query');
        const first = await store.append(a, [
          { type: 'query.opened', data: {}, metadata: { correlationId: `corr-${a}` } },
          { type: 'query.changed', data: {} },
          { type: 'query.changed', data: {} },
        ]);
        firstPosition = first.position - 2n;
        await store.append(
          b,
          [
            { type: 'query.opened', data: {} },
            { type: 'query.closed', data: {} },
          ],
          { streamType: 'closable' },
        );
      });

      const ids = (found: EventEnvelope[]): string[] => found.map((e) => `${e.streamId === a ? 'a' : 'b'}${e.version}`);

      it('filters by stream and type, newest first by default', async () => {
        expect(ids(await store.queryEvents({ streams: [a, b], types: ['query.opened'] }))).toEqual(['b1', 'a1']);
        expect(ids(await store.queryEvents({ streams: [a], order: 'oldest-first' }))).toEqual(['a1', 'a2', 'a3']);
      });

      it('filters by version and position ranges, stream type and correlation id', async () => {
        expect(ids(await store.queryEvents({ streams: [a, b], fromVersion: 2, toVersion: 2 }))).toEqual(['b2', 'a2']);
        expect(
          ids(
            await store.queryEvents({
              streams: [a, b],
              fromPosition: firstPosition + 1n,
              toPosition: firstPosition + 2n,
            }),
          ),
        ).toEqual(['a3', 'a2']);
        expect(ids(await store.queryEvents({ streams: [a, b], streamTypes: ['closable'] }))).toEqual(['b2', 'b1']);
        expect(ids(await store.queryEvents({ correlationId: `corr-${a}` }))).toEqual(['a1']);
      });

      it('filters by time, as a Date or as a duration text', async () => {
        const mine = { streams: [a, b] };
        expect(await store.queryEvents({ ...mine, since: '3 days' })).toHaveLength(5);
        expect(await store.queryEvents({ ...mine, since: '2 weeks' })).toHaveLength(5);
        expect(await store.queryEvents({ ...mine, since: 'day' })).toHaveLength(5);
        expect(await store.queryEvents({ ...mine, until: '1 hour' })).toHaveLength(0);
        expect(await store.queryEvents({ ...mine, since: new Date(Date.now() + 60_000) })).toHaveLength(0);
        expect(
          await store.queryEvents({
            ...mine,
            since: new Date(Date.now() - 60_000),
            until: new Date(Date.now() + 60_000),
          }),
        ).toHaveLength(5);
      });

      it('ORs several filters in one query', async () => {
        const found = await store.queryEvents({
          any: [
            { streams: [a], types: ['query.opened'] },
            { streams: [b], types: ['query.closed'] },
          ],
          order: 'oldest-first',
        });
        expect(ids(found)).toEqual(['a1', 'b2']);
      });

      it('returns 100 events by default and all of them with limit null', async () => {
        const id = stream();
        await store.append(id, events(120));
        expect(await store.queryEvents({ streams: [id] })).toHaveLength(100);
        expect(await store.queryEvents({ streams: [id], limit: null })).toHaveLength(120);
        expect(await store.queryEvents({ streams: [id], limit: 7 })).toHaveLength(7);
      });

      it.each<[string, unknown]>([
        ['an unreadable duration', { since: 'three fortnights' }],
        ['an empty duration', { since: '' }],
        ['an invalid Date', { since: new Date('nope') }],
        ['a zero limit', { limit: 0 }],
        ['an unknown option', { stream: ['x'] }],
        ['an empty any', { any: [] }],
        ['a negative position', { fromPosition: -1n }],
      ])('rejects %s with ES_INVALID_QUERY', async (_title, query) => {
        await expect(store.queryEvents(query as never)).rejects.toMatchObject({ code: 'ES_INVALID_QUERY' });
      });
    });

    describe('bad input is rejected with a code and writes nothing', () => {
      it.each<[string, unknown]>([
        ['an empty stream id', ''],
        ['a blank stream id', '   '],
        ['a stream id over 255 characters', 'x'.repeat(256)],
        ['a stream id that is not a string', 42],
      ])('%s', async (_title, streamId) => {
        await expectRejectedWithoutWrite(
          () => store.append(streamId as string, [event()]),
          InvalidStreamIdError,
          'ES_INVALID_STREAM_ID',
        );
      });

      it.each<[string, () => unknown]>([
        [
          'a cycle',
          () => {
            const o: Record<string, unknown> = {};
            o.o = o;
            return o;
          },
        ],
        ['a bigint', () => ({ amount: 10n })],
        ['a function', () => ({ f: () => 1 })],
        ['NaN', () => ({ amount: Number.NaN })],
        ['a Map', () => ({ m: new Map([[1, 2]]) })],
        ['a NUL character', () => ({ s: 'a\u0000b' })],
        ['a lone surrogate', () => ({ s: 'a\ud800b' })],
        ['an invalid Date', () => ({ at: new Date('not a date') })],
        ['binary data', () => ({ b: new Uint8Array([1, 2]) })],
        ['undefined', () => undefined],
      ])('data holding %s', async (_title, data) => {
        await expectRejectedWithoutWrite(
          () => store.append(stream(), [{ type: 'contract.happened', data: data() }]),
          InvalidEventError,
          'ES_INVALID_EVENT',
        );
      });

      it.each<[string, Partial<NewEvent>]>([
        ['an empty type', { type: '' }],
        ['a revision of 0', { revision: 0 }],
        ['an event id that is not a UUID', { eventId: 'not-a-uuid' }],
        ['metadata that is an array', { metadata: [] as never }],
        ['a correlation id that is not a string', { metadata: { correlationId: 7 as never } }],
      ])('an event with %s', async (_title, override) => {
        await expectRejectedWithoutWrite(
          () => store.append(stream(), [{ ...event(), ...override }]),
          InvalidEventError,
          'ES_INVALID_EVENT',
        );
      });

      it('an empty batch', async () => {
        await expectRejectedWithoutWrite(() => store.append(stream(), []), InvalidEventError, 'ES_INVALID_EVENT');
      });

      it('an event over the size limit', async () => {
        const big = 'x'.repeat(subject.maxEventSize);
        await expectRejectedWithoutWrite(
          () => store.append(stream(), [event(), event({ big })]),
          EventTooLargeError,
          'ES_EVENT_TOO_LARGE',
        );
      });

      it.each<[string, unknown]>([
        ['an unknown keyword', 'latest'],
        ['a negative number', -1],
        ['a fraction', 1.5],
        ['a numeric string', '3'],
        ['null', null],
      ])('an expected version that is %s', async (_title, expectedVersion) => {
        await expectRejectedWithoutWrite(
          () => store.append(stream(), [event()], { expectedVersion: expectedVersion as ExpectedVersion }),
          InvalidExpectedVersionError,
          'ES_INVALID_EXPECTED_VERSION',
        );
      });
    });
  });
}
